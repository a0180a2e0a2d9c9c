package dev.migrator.source.csv;

import dev.migrator.source.UnusableInputException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checks a CSV export's header against the layout, so that a file it cannot read stops the run
 * before anything is sent.
 */
final class CsvHeader {

    private static final int NAMES_SHOWN = 20;

    private CsvHeader() {}

    /**
     * @throws UnusableInputException naming the file when it has no header, lacks a required
     *     column, or has one twice
     */
    static void check(CsvFile file, CsvLayout layout, CsvRows rows) {
        Map<String, Integer> header = rows.headerMap();
        if (header == null || header.isEmpty()) {
            throw new UnusableInputException(
                    file.displayName()
                            + ": the file is empty: a CSV export starts with its header row");
        }
        List<String> names = rows.headerNames();
        List<String> missing =
                CsvLayout.REQUIRED.stream()
                        .filter(field -> !header.containsKey(layout.column(field)))
                        .toList();
        if (!missing.isEmpty()) {
            throw new UnusableInputException(
                    file.displayName() + ": " + missingColumns(layout, missing, names));
        }
        for (String field : CsvLayout.FIELDS) {
            String column = layout.column(field);
            if (column != null && names.indexOf(column) != names.lastIndexOf(column)) {
                throw new UnusableInputException(
                        file.displayName()
                                + ": the CSV header has more than one column named '"
                                + column
                                + "' (mapped to "
                                + field
                                + "): rename them so that the one to read is unique");
            }
        }
    }

    private static String missingColumns(
            CsvLayout layout, List<String> fields, List<String> headerNames) {
        if (layout.canonical()) {
            return "the CSV header lacks the column(s) "
                    + String.join(", ", fields)
                    + " (canonical header: "
                    + String.join(",", CsvLayout.FIELDS)
                    + ")";
        }
        String found =
                headerNames.stream()
                                .limit(NAMES_SHOWN)
                                .map(h -> "'" + h + "'")
                                .collect(Collectors.joining(", "))
                        + (headerNames.size() > NAMES_SHOWN ? ", …" : "");
        String hint = "check mapping.columns and mapping.delimiter in the configuration";
        if (headerNames.size() == 1) {
            for (char c : new char[] {';', '\t', ',', '|'}) {
                if (c != layout.delimiter() && headerNames.get(0).indexOf(c) >= 0) {
                    hint =
                            "the header looks "
                                    + (c == '\t' ? "tab" : "'" + c + "'")
                                    + "-separated: set mapping.delimiter to "
                                    + (c == '\t' ? "\"\\t\"" : "\"" + c + "\"");
                    break;
                }
            }
        }
        return "the CSV header lacks the column(s) "
                + String.join(
                        ", ",
                        fields.stream()
                                .map(f -> "'" + layout.column(f) + "' (mapped to " + f + ")")
                                .toList())
                + "; its columns are "
                + found
                + "; "
                + hint;
    }
}
