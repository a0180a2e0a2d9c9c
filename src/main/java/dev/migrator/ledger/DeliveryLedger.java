package dev.migrator.ledger;

import dev.migrator.intercom.IntercomApi.AssigneeKind;
import dev.migrator.intercom.IntercomApi.ConversationUpdate;
import dev.migrator.ledger.Ledger.ConversationEntry;
import dev.migrator.ledger.Ledger.PartEntry;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What delivery reads and records about what was sent, per workspace and source id: the {@link
 * Ledger}'s tables for a run into a workspace, memory for a dry run ({@link DryRunLedger}). Each
 * method does what the {@link Ledger}'s of the same name says.
 */
public interface DeliveryLedger {

    Optional<String> contactId(String workspace, String contactKey);

    String saveContact(String workspace, String contactKey, String intercomId, Long createdInRun);

    void forgetContact(String workspace, String intercomId);

    Optional<String> companyIntercomId(String workspace, String companyId);

    String saveCompany(String workspace, String companyId, String intercomId, Long createdInRun);

    boolean isAttached(String workspace, String contactId, String companyIntercomId);

    /** Records the attachment; false when it was recorded already (by another worker). */
    boolean contactAttached(String workspace, String contactId, String companyIntercomId);

    Optional<ConversationEntry> conversation(String workspace, String sourceId);

    Optional<String> holderOf(String workspace, String intercomId);

    void conversationCreating(
            String workspace,
            String sourceId,
            String contactId,
            String openingKey,
            long createdAt,
            long attemptedAt,
            long runId);

    void conversationAdopted(
            String workspace,
            String sourceId,
            String contactId,
            String openingKey,
            long createdAt,
            String intercomId,
            long runId);

    void conversationCreated(String workspace, String sourceId, String intercomId, long runId);

    void conversationOpenedWith(String workspace, String sourceId, String openingKey);

    void conversationUpdated(
            String workspace, String sourceId, String updateSha, ConversationUpdate applied);

    void conversationAssigned(
            String workspace, String sourceId, AssigneeKind kind, String assigneeId);

    void conversationReopened(String workspace, String sourceId);

    void conversationClosed(String workspace, String sourceId);

    void conversationTagged(String workspace, String sourceId);

    void conversationComplete(String workspace, String sourceId, Long runId);

    void forgetConversation(String workspace, String sourceId);

    void forgetConversationInDoubt(String workspace, String sourceId);

    /** The conversation's parts the ledger knows, by key. */
    KnownParts knownParts(String workspace, String sourceId);

    void partSending(
            String workspace, String sourceId, String partKey, long createdAt, long attemptedAt);

    void partSent(String workspace, String sourceId, String partKey, long runId);

    void partFound(
            String workspace,
            String sourceId,
            String partKey,
            long createdAt,
            Set<String> plannedKeys);

    void forgetPart(String workspace, String sourceId, String partKey);

    /**
     * The files a part's request is about to list as links, not carry (none: it carries them all),
     * in place of those an earlier attempt at it recorded; written at once, not with the chunk.
     */
    void attachmentsFailed(
            String workspace,
            String sourceId,
            String partKey,
            long runId,
            List<FailedAttachment> failed);

    /** A conversation's parts by key: SENDING or SENT. */
    @FunctionalInterface
    interface KnownParts {
        /** The part's entry, or {@code null} when the ledger does not know it. */
        PartEntry get(String partKey);
    }
}
