package dev.migrator.delivery;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * What delivery set around the threads, for the summary: titles, assignments, attributes and
 * companies applied, and what it could not place (never a reject: the conversation is migrated
 * without it).
 *
 * @param titlesSet conversations whose title was set
 * @param adminAssignments conversations assigned to an admin
 * @param teamAssignments conversations assigned to a team
 * @param attributesSet attribute values set, over all conversations
 * @param companiesAttached contacts attached to a company
 * @param unmatchedAssignees assignee emails no Intercom admin has, with how many conversations
 *     named each
 * @param unmatchedTeams team names no Intercom team has (after {@code mapping.teams}), likewise
 * @param attributesLeftOut attribute names with how many values did not fit the attribute's type
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record InboxTally(
        long titlesSet,
        long adminAssignments,
        long teamAssignments,
        long attributesSet,
        long companiesAttached,
        Map<String, Long> unmatchedAssignees,
        Map<String, Long> unmatchedTeams,
        Map<String, Long> attributesLeftOut) {

    public static final InboxTally NONE =
            new InboxTally(0, 0, 0, 0, 0, Map.of(), Map.of(), Map.of());

    public InboxTally {
        unmatchedAssignees = sorted(unmatchedAssignees);
        unmatchedTeams = sorted(unmatchedTeams);
        attributesLeftOut = sorted(attributesLeftOut);
    }

    public InboxTally plus(InboxTally other) {
        return new InboxTally(
                titlesSet + other.titlesSet,
                adminAssignments + other.adminAssignments,
                teamAssignments + other.teamAssignments,
                attributesSet + other.attributesSet,
                companiesAttached + other.companiesAttached,
                merged(unmatchedAssignees, other.unmatchedAssignees),
                merged(unmatchedTeams, other.unmatchedTeams),
                merged(attributesLeftOut, other.attributesLeftOut));
    }

    private static Map<String, Long> merged(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> sum = new TreeMap<>(a);
        b.forEach((key, count) -> sum.merge(key, count, Long::sum));
        return sum;
    }

    private static Map<String, Long> sorted(Map<String, Long> counts) {
        return counts == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(counts));
    }
}
