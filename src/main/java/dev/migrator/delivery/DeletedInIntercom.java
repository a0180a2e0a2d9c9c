package dev.migrator.delivery;

import dev.migrator.ledger.DeliveryLedger;
import dev.migrator.ledger.Ledger.ConversationEntry;
import dev.migrator.ledger.Ledger.ConversationState;
import dev.migrator.mapping.PlannedConversation;
import java.util.Optional;

/**
 * A contact or conversation the ledger knows was deleted in Intercom since (an admin's choice,
 * perhaps a customer's request): its records are refused, saying so, unless {@code
 * migration.recreate-deleted} asks for it to be created again.
 */
final class DeletedInIntercom extends RuntimeException {
    final boolean contact;
    final String intercomId;

    DeletedInIntercom(boolean contact, String intercomId) {
        super(null, null, false, false);
        this.contact = contact;
        this.intercomId = intercomId;
    }

    String reason(String sourceId) {
        return "conversation "
                + sourceId
                + ": its "
                + (contact ? "contact " : "conversation ")
                + intercomId
                + " was deleted in Intercom after an earlier run, so none of its messages is"
                + " sent";
    }

    /**
     * Forgets what was deleted, so that it is created again; returns the conversation's Intercom id
     * when only its contact is gone and the conversation is still there.
     */
    Optional<String> forget(
            DeliveryLedger ledger, String workspace, PlannedConversation conversation) {
        if (!contact) {
            ledger.forgetConversation(workspace, conversation.sourceId());
            return Optional.empty();
        }
        ledger.forgetContact(workspace, intercomId);
        return ledger.conversation(workspace, conversation.sourceId())
                .filter(entry -> entry.state() != ConversationState.CREATING)
                .map(ConversationEntry::intercomId);
    }
}
