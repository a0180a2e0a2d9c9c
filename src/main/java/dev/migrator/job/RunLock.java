package dev.migrator.job;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An operating-system lock on the state directory, held until the application closes. The OS
 * releases it when the process dies, even by {@code kill -9}, so holding it proves that no live
 * migrator on this machine owns a run recorded in this state directory.
 */
public class RunLock implements AutoCloseable {

    private final Path stateDir;
    private FileChannel channel;
    private FileLock lock;

    public RunLock(Path stateDir) {
        this.stateDir = stateDir;
    }

    public synchronized boolean acquire() throws IOException {
        if (lock != null) {
            return true;
        }
        Files.createDirectories(stateDir);
        channel = FileChannel.open(stateDir.resolve("migrator.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
        }
        return lock != null;
    }

    @Override
    public synchronized void close() throws IOException {
        if (lock != null) {
            lock.release();
            channel.close();
            lock = null;
        }
    }
}
