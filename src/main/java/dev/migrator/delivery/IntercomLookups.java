package dev.migrator.delivery;

import dev.migrator.intercom.IntercomApi;
import dev.migrator.ledger.DeliveryLedger;
import dev.migrator.mapping.PlannedConversation;
import dev.migrator.mapping.PlannedPart;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.springframework.dao.DuplicateKeyException;
import tools.jackson.databind.JsonNode;

/**
 * What the migrator asks Intercom about conversations that may already be there: copies of a
 * conversation (by its source key in {@code migration.source-attribute}, else by contact, {@code
 * created_at} and opening text), which of them to adopt, and a conversation's parts and state.
 * Reads only: what to send is {@link ConversationMigrator}'s business.
 */
public class IntercomLookups {

    private final IntercomApi api;
    private final DeliveryLedger ledger;
    private final String workspace;
    private final String sourceAttribute;

    /**
     * @param sourceAttribute the conversation attribute holding each conversation's source key, or
     *     {@code null} when none is set
     */
    public IntercomLookups(
            IntercomApi api, DeliveryLedger ledger, String workspace, String sourceAttribute) {
        this.api = api;
        this.ledger = ledger;
        this.workspace = workspace;
        this.sourceAttribute = sourceAttribute;
    }

    /**
     * Intercom conversations that are this source conversation's, whoever holds them in the ledger:
     * those carrying its source key in the source attribute; when none does (or no attribute is
     * set), those of its contact with its opening's {@code created_at} and text that carry no other
     * source key. {@code contactId} is {@code null} when Intercom has no such contact.
     */
    public List<String> copiesOf(PlannedConversation conversation, String contactId) {
        if (sourceAttribute != null) {
            List<String> marked =
                    ids(api.findConversationsByAttribute(sourceAttribute, conversation.sourceId()));
            if (!marked.isEmpty()) {
                return marked;
            }
        }
        if (contactId == null) {
            return List.of();
        }
        List<String> copies = new ArrayList<>();
        for (JsonNode candidate : openedBy(contactId, conversation.opening())) {
            String marked =
                    sourceAttribute == null
                            ? ""
                            : candidate
                                    .path("custom_attributes")
                                    .path(sourceAttribute)
                                    .asString("");
            // One marked with another source key is that source conversation's, not this one's.
            if (marked.isEmpty() || marked.equals(conversation.sourceId())) {
                copies.add(candidate.path("id").asString());
            }
        }
        return copies;
    }

    /**
     * Conversations of the contact whose opening has the part's {@code created_at} and text: what a
     * create of this opening made (search lags behind creation).
     */
    List<String> createdFrom(String contactId, PlannedPart opening) {
        return ids(openedBy(contactId, opening));
    }

    private List<JsonNode> openedBy(String contactId, PlannedPart opening) {
        List<JsonNode> matching = new ArrayList<>();
        for (JsonNode candidate : api.findConversations(contactId, opening.createdAt())) {
            if (IntercomConversation.sameText(
                    candidate.path("source").path("body").asString(""), opening.body())) {
                matching.add(candidate);
            }
        }
        return matching;
    }

    private static List<String> ids(List<JsonNode> conversations) {
        return conversations.stream().map(c -> c.path("id").asString()).toList();
    }

    /**
     * What adopting one of {@code candidates} came to: the adopted id, or, when several are left,
     * the candidates (nothing adopted: which is this conversation's cannot be told).
     */
    record Adoption(Optional<String> adopted, List<String> ambiguous) {}

    /**
     * Adopts the only candidate that no other source conversation holds, if there is exactly one,
     * through {@code record} (a ledger write under the unique index on workspace and Intercom id,
     * which makes the check and the adoption one: of two workers adopting the same conversation at
     * once, one fails there and looks at the rest again).
     */
    Adoption adopt(String sourceId, Collection<String> candidates, Consumer<String> record) {
        Set<String> left = new LinkedHashSet<>(candidates);
        while (true) {
            List<String> free =
                    left.stream()
                            .filter(
                                    candidate ->
                                            ledger.holderOf(workspace, candidate)
                                                    .map(sourceId::equals)
                                                    .orElse(true))
                            .toList();
            if (free.size() != 1) {
                return new Adoption(Optional.empty(), free.size() > 1 ? free : List.of());
            }
            try {
                record.accept(free.get(0));
                return new Adoption(Optional.of(free.get(0)), List.of());
            } catch (DuplicateKeyException e) {
                left.remove(free.get(0));
            }
        }
    }

    /** The conversation as Intercom shows it now: one {@code GET /conversations/{id}}. */
    IntercomConversation conversation(String intercomId) {
        return new IntercomConversation(api.conversation(intercomId));
    }
}
