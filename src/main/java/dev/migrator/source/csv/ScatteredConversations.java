package dev.migrator.source.csv;

import dev.migrator.source.UnusableInputException;
import dev.migrator.source.csv.CsvRows.Row;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The conversations of a CSV export whose rows are not contiguous, found by a first pass over the
 * file when it is opened: every group of their rows is rejected, rather than a conversation half
 * sent. Memory grows with the number of distinct ids, not with the rows.
 */
final class ScatteredConversations {

    private final CsvLayout layout;

    /**
     * Conversation ids whose rows are in more than one place, with the line each group of rows
     * starts on.
     */
    private final Map<String, List<Long>> starts;

    private ScatteredConversations(CsvLayout layout, Map<String, List<Long>> starts) {
        this.layout = layout;
        this.starts = starts;
    }

    /**
     * A file that cannot be read to its end is left to the main pass, which meets the same problem
     * and says what it is.
     */
    static ScatteredConversations find(CsvFile file, CsvLayout layout) {
        Map<String, Long> firstLine = new HashMap<>();
        Map<String, List<Long>> scattered = new HashMap<>();
        CsvRows rows;
        try {
            rows = CsvRows.open(file, layout);
        } catch (UnusableInputException e) {
            return new ScatteredConversations(layout, Map.of());
        }
        try (rows) {
            String current = null;
            for (Row row = rows.next(); row != null; row = rows.next()) {
                String id = layout.conversationIdOf(row.record());
                if (id.equals(current)) {
                    continue;
                }
                current = id;
                if (id.isEmpty()) {
                    continue;
                }
                Long first = firstLine.putIfAbsent(id, row.line());
                if (first != null) {
                    scattered
                            .computeIfAbsent(id, k -> new ArrayList<>(List.of(first)))
                            .add(row.line());
                }
            }
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            // The main pass reports it.
        }
        return new ScatteredConversations(layout, scattered);
    }

    /** Why conversation {@code id} is not migrated, or {@code null} when its rows are together. */
    String problem(String id) {
        List<Long> lines = starts.get(id);
        if (lines == null) {
            return null;
        }
        return "the rows of conversation "
                + id
                + " are not contiguous: they are in "
                + lines.size()
                + " places, starting at lines "
                + lines.stream().map(String::valueOf).collect(Collectors.joining(", "))
                + "; none of them is migrated. Sort the file by its "
                + layout.describe("conversation_id")
                + " (keeping each conversation's rows in order) and run it again";
    }
}
