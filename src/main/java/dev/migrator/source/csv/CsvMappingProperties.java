package dev.migrator.source.csv;

import dev.migrator.support.Keywords;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.lang3.StringUtils;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code mapping} section: how any helpdesk's CSV maps to the canonical fields, read with
 * {@code --format csv}. Checked when the configuration is read, so that a mistake stops every
 * command (exit code 2, one line saying which key and why) before anything is sent.
 *
 * @param columns canonical field name (as in the canonical CSV header) to the header name that
 *     holds it
 * @param delimiter one character, or {@code \t} written out for a tab; {@code ,} by default
 * @param encoding the file's character set, such as {@code windows-1252}; UTF-8 by default
 * @param dateFormat a {@link DateTimeFormatter} pattern such as {@code dd/MM/yyyy HH:mm}; ISO-8601
 *     or epoch when unset
 * @param timezone the zone of times without an offset; {@code migration.timezone} when unset
 * @param contactAuthors values of the author_type column that mean the customer ({@code contact} by
 *     default)
 * @param agentAuthors values that mean an agent ({@code agent} by default)
 * @param internalValues values of the internal column that mean a note ({@code true} by default)
 * @param closedStatuses values of the status column that mean closed ({@code closed}, {@code
 *     solved} by default)
 */
@ConfigurationProperties("mapping")
public record CsvMappingProperties(
        Map<String, String> columns,
        String delimiter,
        String encoding,
        String dateFormat,
        ZoneId timezone,
        List<String> contactAuthors,
        List<String> agentAuthors,
        List<String> internalValues,
        List<String> closedStatuses) {

    /**
     * The reference instant formatted and parsed back to check that a date pattern gives a date.
     */
    private static final ZonedDateTime PROBE =
            ZonedDateTime.of(2021, 3, 4, 10, 15, 30, 0, ZoneId.of("Europe/Paris"));

    public CsvMappingProperties {
        if ((columns == null || columns.isEmpty())
                && (delimiter != null
                        || encoding != null
                        || dateFormat != null
                        || timezone != null
                        || contactAuthors != null
                        || agentAuthors != null
                        || internalValues != null
                        || closedStatuses != null)) {
            throw new IllegalArgumentException(
                    "the mapping section has no mapping.columns: name the column that holds "
                            + "each field (at least "
                            + String.join(", ", CsvLayout.REQUIRED)
                            + "); see docs/formats/any-csv.md");
        }
        columns = canonicalNames(columns == null ? Map.of() : columns);
        delimiter = delimiter == null ? "," : delimiter;
        encoding = encoding == null ? StandardCharsets.UTF_8.name() : encoding.trim();
        contactAuthors = values("contact-authors", contactAuthors, List.of("contact"));
        agentAuthors = values("agent-authors", agentAuthors, List.of("agent"));
        internalValues = yamlBooleans(values("internal-values", internalValues, List.of("true")));
        closedStatuses = values("closed-statuses", closedStatuses, List.of("closed", "solved"));
        delimiterChar(delimiter);
        charset(encoding);
        if (dateFormat != null) {
            dateFormatter(dateFormat);
        }
        Set<String> agents = Set.copyOf(agentAuthors.stream().map(Keywords::normalize).toList());
        List<String> both =
                contactAuthors.stream().map(Keywords::normalize).filter(agents::contains).toList();
        if (!both.isEmpty()) {
            throw new IllegalArgumentException(
                    "mapping.contact-authors and mapping.agent-authors both hold "
                            + String.join(", ", both)
                            + ": a value must mean one or the other");
        }
        if (!columns.isEmpty()) {
            Map<String, String> mapped = columns;
            List<String> missing =
                    CsvLayout.REQUIRED.stream()
                            .filter(field -> !mapped.containsKey(field))
                            .toList();
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException(
                        "mapping.columns must name the column(s) holding "
                                + String.join(", ", missing));
            }
        }
    }

    /** The layout this section describes, or {@code null} when it maps no columns. */
    public CsvLayout layout(ZoneId defaultTimezone) {
        if (columns.isEmpty()) {
            return null;
        }
        return new CsvLayout(
                columns,
                delimiterChar(delimiter),
                charset(encoding),
                dateFormat == null ? null : dateFormatter(dateFormat),
                dateFormat,
                timezone != null ? timezone : defaultTimezone,
                Set.copyOf(contactAuthors),
                Set.copyOf(agentAuthors),
                Set.copyOf(internalValues),
                Set.copyOf(closedStatuses),
                false);
    }

    /**
     * The whole section in a stable form: a changed mapping reads the same file differently, so it
     * is a new run.
     */
    public String fingerprint(ZoneId defaultTimezone) {
        return String.join(
                "\n",
                new TreeMap<>(columns).toString(),
                delimiter,
                charset(encoding).name(),
                String.valueOf(dateFormat),
                String.valueOf(timezone != null ? timezone : defaultTimezone),
                sorted(contactAuthors),
                sorted(agentAuthors),
                sorted(internalValues),
                sorted(closedStatuses));
    }

    private static String sorted(List<String> values) {
        return values.stream().sorted().toList().toString();
    }

    /**
     * Keys as the canonical header spells them, matched without case, {@code _} or {@code -}: YAML
     * keeps {@code conversation_id} as written, but the same key from an environment variable
     * ({@code MAPPING_COLUMNS_CONVERSATION_ID}) or in kebab case ({@code conversation-id}) arrives
     * spelled otherwise, and {@code [conversation_id]} in brackets works too.
     */
    private static Map<String, String> canonicalNames(Map<String, String> columns) {
        Map<String, String> byLooseName = new LinkedHashMap<>();
        CsvLayout.FIELDS.forEach(field -> byLooseName.put(loose(field), field));
        Map<String, String> named = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        columns.forEach(
                (key, header) -> {
                    String field = byLooseName.get(loose(key));
                    if (field == null) {
                        unknown.add(key);
                        return;
                    }
                    if (StringUtils.isBlank(header)) {
                        throw new IllegalArgumentException(
                                "mapping.columns."
                                        + field
                                        + " names no column: give the header of the "
                                        + "column that holds "
                                        + field
                                        + ", or leave the key out");
                    }
                    if (named.put(field, header) != null) {
                        throw new IllegalArgumentException(
                                "mapping.columns names "
                                        + field
                                        + " twice (as "
                                        + key
                                        + " and in another spelling): keep one");
                    }
                });
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    "mapping.columns: "
                            + String.join(", ", unknown)
                            + (unknown.size() == 1
                                    ? " is not a canonical field"
                                    : " are not canonical fields")
                            + " (the fields are "
                            + String.join(", ", CsvLayout.FIELDS)
                            + ")");
        }
        return Map.copyOf(named);
    }

    private static String loose(String name) {
        return name.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
    }

    private static List<String> values(String key, List<String> configured, List<String> defaults) {
        if (configured == null) {
            return defaults;
        }
        List<String> values =
                configured.stream().filter(StringUtils::isNotBlank).map(String::trim).toList();
        if (values.isEmpty()) {
            throw new IllegalArgumentException(
                    "mapping."
                            + key
                            + " is empty: list at least one value (default: "
                            + String.join(", ", defaults)
                            + ")");
        }
        return values;
    }

    /**
     * YAML reads an unquoted {@code yes} or {@code on} as the boolean true, which arrives here as
     * "true": the column's "yes" is meant then. Without this, {@code internal-values: [yes]} would
     * make every "yes" note a public reply.
     */
    private static List<String> yamlBooleans(List<String> values) {
        if (values.stream().noneMatch(v -> v.equalsIgnoreCase("true"))) {
            return values;
        }
        LinkedHashSet<String> widened = new LinkedHashSet<>(values);
        widened.addAll(List.of("yes", "on"));
        return List.copyOf(widened);
    }

    private static char delimiterChar(String delimiter) {
        if (delimiter.equals("\\t") || delimiter.equals("\t")) {
            return '\t';
        }
        if (delimiter.length() != 1) {
            throw new IllegalArgumentException(
                    "mapping.delimiter must be one character (or \\t for a tab), not '"
                            + delimiter
                            + "'");
        }
        char c = delimiter.charAt(0);
        if (c == '"' || c == '\r' || c == '\n') {
            throw new IllegalArgumentException(
                    "mapping.delimiter cannot be a quote or a line break");
        }
        return c;
    }

    private static Charset charset(String encoding) {
        try {
            return Charset.forName(encoding);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new IllegalArgumentException(
                    "mapping.encoding '"
                            + encoding
                            + "' is not a character set this Java "
                            + "knows (for example UTF-8, windows-1252, ISO-8859-1, UTF-16)");
        }
    }

    /**
     * A strict formatter: 31/02/2023 is refused rather than read as 28/02/2023. {@code yyyy} works
     * as people write it (the era defaults to ours); letters match in any case ({@code pm}, {@code
     * PM}).
     */
    private static DateTimeFormatter dateFormatter(String pattern) {
        DateTimeFormatter formatter;
        try {
            formatter =
                    new DateTimeFormatterBuilder()
                            .parseCaseInsensitive()
                            .appendPattern(pattern)
                            .parseDefaulting(ChronoField.ERA, 1)
                            .toFormatter(Locale.ROOT)
                            .withChronology(IsoChronology.INSTANCE)
                            .withResolverStyle(ResolverStyle.STRICT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "mapping.date-format '"
                            + pattern
                            + "' is not a date pattern: "
                            + e.getMessage()
                            + " (letters as in Java's DateTimeFormatter, for example dd/MM/yyyy"
                            + " HH:mm)");
        }
        try {
            formatter.parseBest(
                    formatter.format(PROBE),
                    ZonedDateTime::from,
                    OffsetDateTime::from,
                    LocalDateTime::from,
                    LocalDate::from);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(
                    "mapping.date-format '"
                            + pattern
                            + "' does not give a date: it needs at "
                            + "least the year, month and day (for example dd/MM/yyyy HH:mm)");
        }
        return formatter;
    }
}
