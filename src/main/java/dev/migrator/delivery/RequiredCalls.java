package dev.migrator.delivery;

/**
 * What delivery did in Intercom, counted as the calls it takes at the least: one per conversation
 * created, reply sent, conversation update (title, attributes and source key together), close and
 * tag applied, one per tag name whose id it needed, and for each contact the ledger did not know
 * one search, plus one create when Intercom had no such contact; for each company the ledger did
 * not know one look-up, plus one create when Intercom had none ({@code companiesUpserted} counts
 * both), one per contact attached to a company, and one per assignment (to an admin, to a team).
 * Calls beyond their sum went to retries, look-ups after lost answers or before appending, and
 * adoption searches.
 */
public record RequiredCalls(
        long conversationsCreated,
        long repliesSent,
        long updatesSent,
        long closesSent,
        long tagsApplied,
        long tagNamesLookedUp,
        long contactsSearched,
        long contactsCreated,
        long companiesUpserted,
        long companiesAttached,
        long assignmentsSent) {

    public static final RequiredCalls NONE = new RequiredCalls(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    public long total() {
        return conversationsCreated
                + repliesSent
                + updatesSent
                + closesSent
                + tagsApplied
                + tagNamesLookedUp
                + contactsSearched
                + contactsCreated
                + companiesUpserted
                + companiesAttached
                + assignmentsSent;
    }

    public RequiredCalls plus(RequiredCalls other) {
        return new RequiredCalls(
                conversationsCreated + other.conversationsCreated,
                repliesSent + other.repliesSent,
                updatesSent + other.updatesSent,
                closesSent + other.closesSent,
                tagsApplied + other.tagsApplied,
                tagNamesLookedUp + other.tagNamesLookedUp,
                contactsSearched + other.contactsSearched,
                contactsCreated + other.contactsCreated,
                companiesUpserted + other.companiesUpserted,
                companiesAttached + other.companiesAttached,
                assignmentsSent + other.assignmentsSent);
    }
}
