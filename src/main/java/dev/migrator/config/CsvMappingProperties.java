package dev.migrator.config;

import dev.migrator.source.CsvLayout;
import java.nio.charset.Charset;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code mapping} section: how any helpdesk's CSV maps to the canonical fields, read with
 * {@code --format csv}. Checked when the configuration is read, so that a mistake stops the run
 * before anything is sent.
 *
 * @param columns        canonical field name (as in the canonical CSV header) to the header name that holds it
 * @param delimiter      one character; {@code ,} by default
 * @param encoding       the file's character set; UTF-8 by default
 * @param dateFormat     a {@link DateTimeFormatter} pattern such as {@code dd/MM/yyyy HH:mm}; ISO-8601 or epoch when unset
 * @param timezone       the zone of times without an offset; {@code migration.timezone} when unset
 * @param contactAuthors values of the author_type column that mean the customer ({@code contact} by default)
 * @param agentAuthors   values that mean an agent ({@code agent} by default)
 * @param internalValues values of the internal column that mean a note ({@code true} by default)
 * @param closedStatuses values of the status column that mean closed ({@code closed}, {@code solved} by default)
 */
@ConfigurationProperties("mapping")
public record CsvMappingProperties(Map<String, String> columns, String delimiter, Charset encoding, String dateFormat,
                                   ZoneId timezone, List<String> contactAuthors, List<String> agentAuthors,
                                   List<String> internalValues, List<String> closedStatuses) {

    public CsvMappingProperties {
        columns = canonicalNames(columns == null ? Map.of() : columns);
        delimiter = delimiter == null ? "," : delimiter;
        encoding = encoding == null ? java.nio.charset.StandardCharsets.UTF_8 : encoding;
        contactAuthors = contactAuthors == null ? List.of("contact") : contactAuthors;
        agentAuthors = agentAuthors == null ? List.of("agent") : agentAuthors;
        internalValues = internalValues == null ? List.of("true") : internalValues;
        closedStatuses = closedStatuses == null ? List.of("closed", "solved") : closedStatuses;
        if (delimiter.length() != 1 && !delimiter.equals("\\t")) {
            throw new IllegalArgumentException("mapping.delimiter must be one character (or \\t for a tab), not '" + delimiter + "'");
        }
        if (dateFormat != null) {
            dateFormatter(dateFormat);
        }
        if (!columns.isEmpty()) {
            Map<String, String> mapped = columns;
            List<String> missing = CsvLayout.REQUIRED.stream().filter(field -> !mapped.containsKey(field)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("mapping.columns must name the column(s) holding "
                        + String.join(", ", missing));
            }
        }
    }

    /** The layout this section describes, or {@code null} when it maps no columns. */
    public CsvLayout layout(ZoneId defaultTimezone) {
        if (columns.isEmpty()) {
            return null;
        }
        return new CsvLayout(columns, delimiter.equals("\\t") ? '\t' : delimiter.charAt(0), encoding,
                dateFormat == null ? null : dateFormatter(dateFormat), dateFormat,
                timezone != null ? timezone : defaultTimezone, Set.copyOf(contactAuthors), Set.copyOf(agentAuthors),
                Set.copyOf(internalValues), Set.copyOf(closedStatuses), false);
    }

    /** The whole section in a stable form: a changed mapping reads the same file differently, so it is a new run. */
    public String fingerprint() {
        return String.join("\n", new java.util.TreeMap<>(columns).toString(), delimiter, encoding.name(),
                String.valueOf(dateFormat), String.valueOf(timezone), sorted(contactAuthors), sorted(agentAuthors),
                sorted(internalValues), sorted(closedStatuses));
    }

    private static String sorted(List<String> values) {
        return values.stream().sorted().toList().toString();
    }

    /**
     * Keys as the canonical header spells them. The binder drops the underscores of unbracketed map
     * keys ({@code contact_email} arrives as {@code contactemail}), so keys are matched without them.
     */
    private static Map<String, String> canonicalNames(Map<String, String> columns) {
        Map<String, String> byLooseName = new LinkedHashMap<>();
        CsvLayout.FIELDS.forEach(field -> byLooseName.put(loose(field), field));
        Map<String, String> named = new LinkedHashMap<>();
        Set<String> unknown = new HashSet<>();
        columns.forEach((key, header) -> {
            String field = byLooseName.get(loose(key));
            if (field == null) {
                unknown.add(key);
            } else {
                named.put(field, header);
            }
        });
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("mapping.columns: " + String.join(", ", unknown)
                    + " is not a canonical field (" + String.join(", ", CsvLayout.FIELDS) + ")");
        }
        return Map.copyOf(named);
    }

    private static String loose(String name) {
        return name.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
    }

    private static DateTimeFormatter dateFormatter(String pattern) {
        try {
            return DateTimeFormatter.ofPattern(pattern, Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mapping.date-format '" + pattern + "' is not a date pattern: " + e.getMessage());
        }
    }
}
