package dev.migrator.delivery;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which Intercom team each team name is (names matched ignoring case), from {@code GET /teams}.
 * Built by the preflight; a name it does not hold leaves the conversation without a team, counted
 * in the summary, never a reject.
 */
public final class TeamDirectory {

    public static final TeamDirectory NONE = new TeamDirectory(Map.of(), false);

    private final Map<String, String> idsByName;
    private final boolean placeholders;

    private TeamDirectory(Map<String, String> idsByName, boolean placeholders) {
        this.idsByName = idsByName;
        this.placeholders = placeholders;
    }

    /** The workspace's teams, id by name as Intercom spells it. */
    public static TeamDirectory of(Map<String, String> teamIdsByName) {
        Map<String, String> byName = new HashMap<>();
        teamIdsByName.forEach((name, id) -> byName.put(key(name), id));
        return new TeamDirectory(Map.copyOf(byName), false);
    }

    /** A dry run cannot ask Intercom for its teams: its requests name the team in a placeholder. */
    public static TeamDirectory forDryRun() {
        return new TeamDirectory(Map.of(), true);
    }

    /** The id of the team named {@code name}, if the workspace has one. */
    public Optional<String> teamFor(String name) {
        if (name == null) {
            return Optional.empty();
        }
        if (placeholders) {
            return Optional.of("dry-run-team:" + name);
        }
        return Optional.ofNullable(idsByName.get(key(name)));
    }

    private static String key(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }
}
