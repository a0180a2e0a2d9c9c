package dev.migrator.delivery;

/**
 * What delivery did in Intercom, counted as the calls it takes at the least: one per conversation
 * created, reply sent, conversation update, close and tag applied, and for each contact the ledger
 * did not know one search, plus one create when Intercom had no such contact. Calls beyond their
 * sum went to retries, look-ups after lost answers or before appending, adoption searches and tag
 * ids.
 */
public record RequiredCalls(
        long conversationsCreated,
        long repliesSent,
        long updatesSent,
        long closesSent,
        long tagsApplied,
        long contactsSearched,
        long contactsCreated) {

    public static final RequiredCalls NONE = new RequiredCalls(0, 0, 0, 0, 0, 0, 0);

    public long total() {
        return conversationsCreated
                + repliesSent
                + updatesSent
                + closesSent
                + tagsApplied
                + contactsSearched
                + contactsCreated;
    }

    public RequiredCalls plus(RequiredCalls other) {
        return new RequiredCalls(
                conversationsCreated + other.conversationsCreated,
                repliesSent + other.repliesSent,
                updatesSent + other.updatesSent,
                closesSent + other.closesSent,
                tagsApplied + other.tagsApplied,
                contactsSearched + other.contactsSearched,
                contactsCreated + other.contactsCreated);
    }
}
