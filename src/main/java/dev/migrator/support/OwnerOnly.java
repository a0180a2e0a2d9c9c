package dev.migrator.support;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Directories and files that only their owner may read, for what holds customer data: created so
 * from the start on POSIX file systems (never world-readable for a moment), left as they are
 * elsewhere.
 */
public final class OwnerOnly {

    private static final Set<PosixFilePermission> DIRECTORY =
            PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE =
            PosixFilePermissions.fromString("rw-------");

    private OwnerOnly() {}

    /**
     * Creates {@code directory} (and its missing parents, as usual) owner-only, or makes an
     * existing one owner-only.
     */
    public static Path directory(Path directory) throws IOException {
        Path absolute = directory.toAbsolutePath();
        if (!Files.isDirectory(absolute)) {
            Path parent = absolute.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                if (posix(parent)) {
                    Files.createDirectory(
                            absolute, PosixFilePermissions.asFileAttribute(DIRECTORY));
                } else {
                    Files.createDirectory(absolute);
                }
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(absolute)) {
                    throw e;
                }
            }
        }
        if (posix(absolute)) {
            Files.setPosixFilePermissions(absolute, DIRECTORY); // the umask may have taken some
        }
        return directory;
    }

    /**
     * Makes {@code file} ready to be written owner-only: created empty so if it does not exist,
     * restricted to its owner before anything is written to it if it does. Its directory must
     * exist.
     */
    public static Path file(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (!posix(parent)) {
            return file;
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
        } catch (FileAlreadyExistsException e) {
            // written before (report, a resumed run): made owner-only below
        }
        Files.setPosixFilePermissions(file, FILE); // the umask may have taken some
        return file;
    }

    private static boolean posix(Path existing) throws IOException {
        return existing != null && Files.getFileStore(existing).supportsFileAttributeView("posix");
    }
}
