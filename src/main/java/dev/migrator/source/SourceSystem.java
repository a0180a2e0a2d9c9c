package dev.migrator.source;

/**
 * The helpdesk an export comes from: its name keeps its ids apart from another helpdesk's in the
 * ledger (ticket 123 of Zendesk is not ticket 123 of Freshdesk), and its nouns make reject reasons
 * read in the source's own terms ("ticket 123, comment 456").
 */
public record SourceSystem(String name, String conversationNoun, String messageNoun) {

    public static final SourceSystem CANONICAL = new SourceSystem("", "conversation", "message");
    public static final SourceSystem ZENDESK = new SourceSystem("zendesk", "ticket", "comment");
    public static final SourceSystem FRESHDESK =
            new SourceSystem("freshdesk", "ticket", "conversation");
    public static final SourceSystem HELPSCOUT =
            new SourceSystem("helpscout", "conversation", "thread");
    public static final SourceSystem FRONT = new SourceSystem("front", "conversation", "message");

    /**
     * The conversation's key in the ledger: the source id, prefixed by the helpdesk's name for
     * presets.
     */
    public String ledgerKey(String sourceId) {
        return name.isEmpty() ? sourceId : name + ":" + sourceId;
    }
}
