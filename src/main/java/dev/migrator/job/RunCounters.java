package dev.migrator.job;

import dev.migrator.delivery.InboxTally;
import dev.migrator.delivery.RequiredCalls;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * A run's running totals that the ledger does not hold. They are saved in the step's execution
 * context with every committed chunk, so after a restart they continue from what was committed, not
 * from what was attempted.
 */
public class RunCounters {

    public static final String RECORDS = "counters.records";
    public static final String WARNINGS = "counters.warnings";
    public static final String CALLS = "counters.calls";

    /** Prefix of the keys of the step's {@link RequiredCalls}. */
    private static final String REQUIRED = "counters.required.";

    /** Prefix of the keys of the step's {@link InboxTally}. */
    private static final String INBOX = "counters.inbox.";

    final AtomicLong records = new AtomicLong();
    final AtomicLong warnings = new AtomicLong();
    final AtomicLong calls = new AtomicLong();

    void restore(ExecutionContext context) {
        records.set(context.getLong(RECORDS, 0));
        warnings.set(context.getLong(WARNINGS, 0));
        calls.set(context.getLong(CALLS, 0));
    }

    void save(ExecutionContext context) {
        context.putLong(RECORDS, records.get());
        context.putLong(WARNINGS, warnings.get());
        context.putLong(CALLS, calls.get());
    }

    /** The step's required calls, as its execution context holds them (none before any). */
    public static RequiredCalls requiredCalls(ExecutionContext context) {
        return new RequiredCalls(
                context.getLong(REQUIRED + "conversations-created", 0),
                context.getLong(REQUIRED + "replies-sent", 0),
                context.getLong(REQUIRED + "updates-sent", 0),
                context.getLong(REQUIRED + "closes-sent", 0),
                context.getLong(REQUIRED + "tags-applied", 0),
                context.getLong(REQUIRED + "tag-names-looked-up", 0),
                context.getLong(REQUIRED + "contacts-searched", 0),
                context.getLong(REQUIRED + "contacts-created", 0),
                context.getLong(REQUIRED + "companies-upserted", 0),
                context.getLong(REQUIRED + "companies-attached", 0),
                context.getLong(REQUIRED + "assignments-sent", 0));
    }

    public static void saveRequiredCalls(ExecutionContext context, RequiredCalls required) {
        context.putLong(REQUIRED + "conversations-created", required.conversationsCreated());
        context.putLong(REQUIRED + "replies-sent", required.repliesSent());
        context.putLong(REQUIRED + "updates-sent", required.updatesSent());
        context.putLong(REQUIRED + "closes-sent", required.closesSent());
        context.putLong(REQUIRED + "tags-applied", required.tagsApplied());
        context.putLong(REQUIRED + "tag-names-looked-up", required.tagNamesLookedUp());
        context.putLong(REQUIRED + "contacts-searched", required.contactsSearched());
        context.putLong(REQUIRED + "contacts-created", required.contactsCreated());
        context.putLong(REQUIRED + "companies-upserted", required.companiesUpserted());
        context.putLong(REQUIRED + "companies-attached", required.companiesAttached());
        context.putLong(REQUIRED + "assignments-sent", required.assignmentsSent());
    }

    /** What the step set around the threads, as its execution context holds it (none before). */
    public static InboxTally inboxTally(ExecutionContext context) {
        return new InboxTally(
                context.getLong(INBOX + "titles-set", 0),
                context.getLong(INBOX + "admin-assignments", 0),
                context.getLong(INBOX + "team-assignments", 0),
                context.getLong(INBOX + "attributes-set", 0),
                context.getLong(INBOX + "companies-attached", 0),
                counts(context, INBOX + "unmatched-assignees"),
                counts(context, INBOX + "unmatched-teams"),
                counts(context, INBOX + "attributes-left-out"));
    }

    public static void saveInboxTally(ExecutionContext context, InboxTally tally) {
        context.putLong(INBOX + "titles-set", tally.titlesSet());
        context.putLong(INBOX + "admin-assignments", tally.adminAssignments());
        context.putLong(INBOX + "team-assignments", tally.teamAssignments());
        context.putLong(INBOX + "attributes-set", tally.attributesSet());
        context.putLong(INBOX + "companies-attached", tally.companiesAttached());
        context.put(INBOX + "unmatched-assignees", new HashMap<>(tally.unmatchedAssignees()));
        context.put(INBOX + "unmatched-teams", new HashMap<>(tally.unmatchedTeams()));
        context.put(INBOX + "attributes-left-out", new HashMap<>(tally.attributesLeftOut()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Long> counts(ExecutionContext context, String key) {
        Object counts = context.get(key);
        return counts instanceof Map<?, ?> map ? (Map<String, Long>) map : Map.of();
    }
}
