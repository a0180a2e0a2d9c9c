package dev.migrator.source.input;

import dev.migrator.source.InputOpener;
import dev.migrator.source.SourceSystem;
import dev.migrator.source.csv.CsvLayout;
import dev.migrator.source.format.ExportFormat;
import dev.migrator.source.json.JsonValues;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/** Looks at an input file before the run, to tell its format when none is given. */
public final class ExportInspector {

    private ExportInspector() {}

    /**
     * The format a file's content shows, if any: a JSON export by the fields of its first record, a
     * CSV by its header (the canonical one, or the columns of the configured mapping).
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
            // Not UTF-8 (a mapped CSV may be in another encoding) or unreadable: only a mapped CSV
            // remains possible.
            head = null;
        }
        if (head != null && (head.startsWith("[") || head.startsWith("{"))) {
            return firstJsonRecord(path).flatMap(ExportInspector::jsonFormatOf);
        }
        String firstLine = head == null ? null : head.lines().findFirst().orElse("");
        return firstRecognising(format -> format.recognisesCsv(path, firstLine, csvLayout));
    }

    private static Optional<JsonNode> firstJsonRecord(Path path) {
        try (JsonValues values = JsonValues.open(path, path.toString(), InputOpener.FILES)) {
            JsonValues.Value first = values.next();
            return first != null && first.readable() ? Optional.of(first.node()) : Optional.empty();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /**
     * A record wrapped as {@code {"ticket": {…}}} (Zendesk's API shape) is judged by the ticket
     * inside.
     */
    private static Optional<InputFormat> jsonFormatOf(JsonNode record) {
        JsonNode node =
                record.has("ticket") && record.get("ticket").isObject()
                        ? record.get("ticket")
                        : record;
        return firstRecognising(format -> format.recognisesJson(node));
    }

    /**
     * Each helpdesk's records have fields no other one has; the migrator's own formats, whose
     * fields a helpdesk's may share, are asked last.
     */
    private static Optional<InputFormat> firstRecognising(Predicate<ExportFormat> recognises) {
        return Arrays.stream(InputFormat.values())
                .sorted(Comparator.comparing(f -> f.format().system() == SourceSystem.CANONICAL))
                .filter(f -> recognises.test(f.format()))
                .findFirst();
    }
}
