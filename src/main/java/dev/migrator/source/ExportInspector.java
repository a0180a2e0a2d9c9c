package dev.migrator.source;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.io.input.BOMInputStream;
import tools.jackson.databind.JsonNode;

/** Looks at an input file before the run: its format when not given, and its content checksum. */
public final class ExportInspector {

    private ExportInspector() {
    }

    /**
     * The format a file's content shows, if any: a JSON export by the fields of its first record,
     * a CSV by its header (the canonical one, or the columns of the configured mapping).
     *
     * @param csvLayout the configured CSV mapping, or {@code null}
     */
    public static Optional<InputFormat> detectFormat(Path path, CsvLayout csvLayout) {
        String head;
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            char[] buffer = new char[4096];
            int read = reader.read(buffer);
            if (read <= 0) {
                return Optional.empty();
            }
            head = new String(buffer, 0, read).replace("\uFEFF", "").stripLeading();
        } catch (IOException e) {
            // Not UTF-8 (a mapped CSV may be in another encoding) or unreadable: only a mapped CSV remains possible.
            head = null;
        }
        if (head != null && (head.startsWith("[") || head.startsWith("{"))) {
            return firstJsonRecord(path).flatMap(ExportInspector::jsonFormatOf);
        }
        if (head != null) {
            String firstLine = head.lines().findFirst().orElse("");
            if (firstLine.contains("conversation_id") && firstLine.contains("author_type") && firstLine.contains(",")) {
                return Optional.of(InputFormat.CONVERSATIONS_CSV);
            }
        }
        return csvLayout != null && hasMappedHeader(path, csvLayout) ? Optional.of(InputFormat.CSV) : Optional.empty();
    }

    private static Optional<JsonNode> firstJsonRecord(Path path) {
        try (JsonValues values = JsonValues.open(path, path.toString())) {
            JsonValues.Value first = values.next();
            return first != null && first.readable() ? Optional.of(first.node()) : Optional.empty();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** Each helpdesk's record has fields no other one has; the canonical record is checked last. */
    static Optional<InputFormat> jsonFormatOf(JsonNode record) {
        JsonNode node = record.has("ticket") && record.get("ticket").isObject() ? record.get("ticket") : record;
        if (node.has("comments") && (node.has("requester_id") || node.has("via"))) {
            return Optional.of(InputFormat.ZENDESK);
        }
        if (node.has("description_text") || (node.has("requester_id") && node.has("conversations"))) {
            return Optional.of(InputFormat.FRESHDESK);
        }
        if (node.has("primaryCustomer") || node.path("_embedded").has("threads") || node.has("threads")) {
            return Optional.of(InputFormat.HELPSCOUT);
        }
        if (node.path("messages").path(0).has("is_inbound") || node.path("id").asString("").startsWith("cnv_")) {
            return Optional.of(InputFormat.FRONT);
        }
        if (node.has("messages") && (node.has("contact") || node.has("id"))) {
            return Optional.of(InputFormat.CONVERSATIONS);
        }
        return Optional.empty();
    }

    private static boolean hasMappedHeader(Path path, CsvLayout layout) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                BOMInputStream.builder().setInputStream(Files.newInputStream(path)).get(), layout.encoding()))) {
            String header = reader.readLine();
            if (header == null) {
                return false;
            }
            CSVRecord names = CSVFormat.RFC4180.builder().setDelimiter(layout.delimiter()).get()
                    .parse(new StringReader(header)).getRecords().get(0);
            return names.toList().containsAll(CsvLayout.REQUIRED.stream().map(layout::column).toList());
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IndexOutOfBoundsException e) {
            return false;
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
