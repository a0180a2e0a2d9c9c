package dev.migrator.source;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/** Looks at an input file before the run: its format when not given, and its content checksum. */
public final class ExportInspector {

    private ExportInspector() {
    }

    /** The format a file's first characters show, if any. */
    public static Optional<InputFormat> detectFormat(Path path) {
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            char[] buffer = new char[4096];
            int read = reader.read(buffer);
            if (read <= 0) {
                return Optional.empty();
            }
            String head = new String(buffer, 0, read).replace("\uFEFF", "").stripLeading();
            if (head.startsWith("[") || head.startsWith("{")) {
                return Optional.of(InputFormat.CONVERSATIONS);
            }
            String firstLine = head.lines().findFirst().orElse("");
            if (firstLine.contains("conversation_id") && firstLine.contains(",")) {
                return Optional.of(InputFormat.CONVERSATIONS_CSV);
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** SHA-256 of the file's bytes, so that a changed export is a new run and an unchanged one resumes. */
    public static String sha256(Path path) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(path), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }
}
