package dev.migrator.delivery;

import dev.migrator.intercom.IntercomApi;
import dev.migrator.ledger.Ledger;
import dev.migrator.mapping.PlannedConversation.PlannedContact;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds each contact's Intercom id once per workspace: from the ledger, else by searching Intercom
 * by email then external id, else by creating the contact. The answer is kept in the ledger for
 * every later conversation and run.
 */
public class ContactResolver {

    private final IntercomApi api;
    private final Ledger ledger;
    private final String workspace;

    public ContactResolver(IntercomApi api, Ledger ledger, String workspace) {
        this.api = api;
        this.ledger = ledger;
        this.workspace = workspace;
    }

    public String resolve(PlannedContact contact) {
        List<String> keys = keys(contact);
        for (String key : keys) {
            Optional<String> known = ledger.contactId(workspace, key);
            if (known.isPresent()) {
                return known.get();
            }
        }
        Optional<String> found =
                contact.email() != null
                        ? api.findContact("email", contact.email())
                        : Optional.empty();
        if (found.isEmpty() && contact.externalId() != null) {
            found = api.findContact("external_id", contact.externalId());
        }
        String id =
                found.orElseGet(
                        () ->
                                api.createContact(
                                        contact.role().apiName(),
                                        contact.email(),
                                        contact.externalId(),
                                        contact.name()));
        keys.forEach(key -> ledger.saveContact(workspace, key, id));
        return id;
    }

    /**
     * Whether the ledger knows {@code contact} (by its email or external id) as the Intercom
     * contact {@code contactId}.
     */
    public boolean isKnownAs(PlannedContact contact, String contactId) {
        return keys(contact).stream()
                .anyMatch(
                        key ->
                                ledger.contactId(workspace, key)
                                        .map(contactId::equals)
                                        .orElse(false));
    }

    private static List<String> keys(PlannedContact contact) {
        List<String> keys = new ArrayList<>(2);
        if (contact.email() != null) {
            keys.add("email:" + contact.email());
        }
        if (contact.externalId() != null) {
            keys.add("external_id:" + contact.externalId());
        }
        return keys;
    }
}
