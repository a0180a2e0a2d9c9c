package dev.migrator.source.input;

import dev.migrator.source.InputOpener;
import dev.migrator.support.Sha256;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The bytes the parsers of one input file consume, hashed as they read them, so that the reader can
 * tell, at the file's end, whether they are the bytes of the checksum the run was identified by. A
 * file that changed between its checksum and its reading (or while it was read) would otherwise be
 * migrated, and its run completed, under a checksum its content does not have.
 *
 * <p>A format may read a file more than once (a CSV's first pass looks for scattered
 * conversations): every pass that read to the end must have read those bytes. A pass still open is
 * read to its end first (a JSON parser stops at the closing bracket); one closed before its end (a
 * pass over a malformed CSV that stopped where the CSV did) read too little to be compared.
 */
final class ConsumedInput implements InputOpener {

    private final String displayName;
    private final String expectedSha256;
    private final List<HashingStream> passes = new ArrayList<>();

    /**
     * @param displayName the file's name in messages
     */
    ConsumedInput(String displayName, String expectedSha256) {
        this.displayName = displayName;
        this.expectedSha256 = expectedSha256;
    }

    @Override
    public InputStream open(Path path) throws IOException {
        HashingStream pass = new HashingStream(InputOpener.FILES.open(path));
        passes.add(pass);
        return pass;
    }

    /**
     * Compares the passes opened since the last call: at the end of the file's records, before its
     * parser is closed.
     *
     * @throws InputChangedException when a pass read other bytes than the run's checksum says
     */
    void requireUnchanged() {
        for (HashingStream pass : passes) {
            try {
                if (!pass.closed) {
                    pass.transferTo(OutputStream.nullOutputStream());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + displayName, e);
            }
            if (pass.atEnd && !pass.sha256().equals(expectedSha256)) {
                throw new InputChangedException(displayName);
            }
        }
        passes.clear();
    }

    /** Hashes every byte it hands on, skipped ones included. */
    private static final class HashingStream extends FilterInputStream {

        private final MessageDigest digest = Sha256.digest();
        private boolean atEnd;
        private boolean closed;

        HashingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) {
                atEnd = true;
            } else {
                digest.update((byte) b);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n < 0) {
                atEnd = true;
            } else {
                digest.update(buffer, offset, n);
            }
            return n;
        }

        /** Skipped bytes are read, so that they are hashed too. */
        @Override
        public long skip(long n) throws IOException {
            byte[] buffer = new byte[8192];
            long skipped = 0;
            while (skipped < n) {
                int read = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
                if (read < 0) {
                    break;
                }
                skipped += read;
            }
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        @Override
        public void close() throws IOException {
            closed = true;
            super.close();
        }

        String sha256() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }
}
