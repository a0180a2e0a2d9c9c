package dev.migrator.mapping;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.commons.lang3.StringUtils;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code mapping.teams} and {@code mapping.attributes} tables: which Intercom team a source
 * team is, and which Intercom conversation attribute a source field fills. Lists of pairs rather
 * than maps, because source names hold spaces and dots that a configuration map's keys lose.
 * Checked when the configuration is read (exit code 2); the attributes' names and types are checked
 * against the workspace by the preflight.
 *
 * @param teams a source team (name or id, as the preset documents) to the Intercom team's name; a
 *     team not listed keeps its name
 * @param attributes a source field (as the preset documents its key) to the Intercom conversation
 *     attribute it fills; a field not listed is not migrated
 */
@ConfigurationProperties("mapping")
public record InboxMappingProperties(List<Entry> teams, List<Entry> attributes) {

    /** One row of a table: the source's name, and Intercom's. */
    public record Entry(String source, String intercom) {}

    public InboxMappingProperties {
        teams = checked("mapping.teams", teams);
        attributes = checked("mapping.attributes", attributes);
    }

    public static final InboxMappingProperties NONE = new InboxMappingProperties(null, null);

    private static List<Entry> checked(String key, List<Entry> entries) {
        if (entries == null) {
            return List.of();
        }
        Set<String> sources = new HashSet<>();
        Set<String> targets = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            String at = key + "[" + i + "]";
            if (entry == null || StringUtils.isBlank(entry.source())) {
                throw new IllegalArgumentException(
                        at + " has no source: name the source's " + what(key));
            }
            if (StringUtils.isBlank(entry.intercom())) {
                throw new IllegalArgumentException(
                        at
                                + " ("
                                + entry.source()
                                + ") has no intercom: name the Intercom "
                                + (key.endsWith("teams") ? "team" : "conversation attribute"));
            }
            if (key.endsWith("attributes") && !targets.add(entry.intercom().trim())) {
                throw new IllegalArgumentException(
                        at
                                + ": attribute "
                                + entry.intercom().trim()
                                + " is filled by two source fields; list each attribute once");
            }
            if (!sources.add(entry.source().trim().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(
                        at
                                + ": "
                                + entry.source().trim()
                                + " is listed twice; list each source "
                                + what(key)
                                + " once");
            }
        }
        return entries.stream()
                .map(entry -> new Entry(entry.source().trim(), entry.intercom().trim()))
                .toList();
    }

    private static String what(String key) {
        return key.endsWith("teams") ? "team" : "field";
    }
}
