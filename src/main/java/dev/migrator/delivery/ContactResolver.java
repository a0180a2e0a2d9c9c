package dev.migrator.delivery;

import dev.migrator.intercom.IntercomApi;
import dev.migrator.intercom.IntercomApi.FoundContact;
import dev.migrator.ledger.DeliveryLedger;
import dev.migrator.mapping.PlannedConversation.PlannedContact;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Finds each contact's Intercom id once per workspace: from the ledger, else by searching Intercom
 * by email and external id (one search), else by creating the contact. The answer is kept in the
 * ledger for every later conversation and run.
 */
public class ContactResolver {

    private final IntercomApi api;
    private final DeliveryLedger ledger;
    private final String workspace;

    /** The run the ledger records as the creator of the contacts this resolver creates. */
    private final long runId;

    /** Contacts this resolver created: Intercom may not show them yet, but they are not deleted. */
    private final Set<String> created = ConcurrentHashMap.newKeySet();

    /** Resolutions the ledger could not answer: each searched Intercom. */
    private final AtomicLong searched = new AtomicLong();

    public ContactResolver(IntercomApi api, DeliveryLedger ledger, String workspace, long runId) {
        this.api = api;
        this.ledger = ledger;
        this.workspace = workspace;
        this.runId = runId;
    }

    public String resolve(PlannedContact contact) {
        List<String> keys = keys(contact);
        Optional<String> known = known(keys);
        if (known.isPresent()) {
            return known.get();
        }
        searched.incrementAndGet();
        Optional<Found> found = search(contact);
        String candidate;
        List<String> identifying;
        Long createdInRun = null;
        if (found.isPresent()) {
            candidate = found.get().contact().id();
            identifying = identifyingKeys(contact, found.get().contact(), found.get().by());
        } else {
            IntercomApi.NewContact made =
                    api.createContact(
                            contact.role().apiName(),
                            contact.email(),
                            contact.externalId(),
                            contact.name());
            candidate = made.id();
            created.add(candidate);
            if (made.created()) {
                createdInRun = runId; // only what our own POST made is ever undone
            }
            identifying = keys; // created with both: it carries both
        }
        // Insert if absent, then read back: when two workers resolve the same contact at once, the
        // first to save wins and both go on with its id. The loser saves nothing more: what it
        // knows
        // is about its own candidate, not about the winner.
        String id = null;
        for (String key : identifying) {
            String held = ledger.saveContact(workspace, key, candidate, createdInRun);
            if (id == null) {
                id = held;
            }
            if (!held.equals(candidate)) {
                break;
            }
        }
        return id;
    }

    /**
     * The contact's Intercom id from the ledger or a search, without creating it or saving
     * anything: empty when Intercom has no such contact.
     */
    public Optional<String> find(PlannedContact contact) {
        Optional<String> known = known(keys(contact));
        return known.isPresent() ? known : search(contact).map(found -> found.contact().id());
    }

    private Optional<String> known(List<String> keys) {
        for (String key : keys) {
            Optional<String> known = ledger.contactId(workspace, key);
            if (known.isPresent()) {
                return known;
            }
        }
        return Optional.empty();
    }

    /** A contact search found, and the key it was found by. */
    private record Found(FoundContact contact, String by) {}

    /**
     * Searches Intercom, once: for a record with both keys, one {@code OR} search whose answer
     * tells by its fields which key each contact matched. A contact matched by email wins over one
     * matched by external id, as when they were two searches. The first page is enough: Intercom
     * keeps external ids unique, so a page holding several contacts holds the email matches too.
     */
    private Optional<Found> search(PlannedContact contact) {
        if (contact.email() == null || contact.externalId() == null) {
            return searchOneKeyAtATime(contact);
        }
        List<FoundContact> found = api.findContacts(contact.email(), contact.externalId());
        Optional<Found> matched =
                matching(found, contact.email(), FoundContact::email, "email:")
                        .or(
                                () ->
                                        matching(
                                                found,
                                                contact.externalId(),
                                                FoundContact::externalId,
                                                "external_id:"));
        if (matched.isPresent() || found.isEmpty()) {
            return matched;
        }
        // Intercom matched a key its answer spells differently: only separate searches tell which.
        return searchOneKeyAtATime(contact);
    }

    private static Optional<Found> matching(
            List<FoundContact> found,
            String value,
            Function<FoundContact, String> key,
            String prefix) {
        return found.stream()
                .filter(candidate -> value.equalsIgnoreCase(key.apply(candidate)))
                .findFirst()
                .map(candidate -> new Found(candidate, prefix + value));
    }

    /** Searches Intercom by email, then by external id. */
    private Optional<Found> searchOneKeyAtATime(PlannedContact contact) {
        if (contact.email() != null) {
            Optional<FoundContact> found = api.findContact("email", contact.email());
            if (found.isPresent()) {
                return Optional.of(new Found(found.get(), "email:" + contact.email()));
            }
        }
        if (contact.externalId() != null) {
            return api.findContact("external_id", contact.externalId())
                    .map(found -> new Found(found, "external_id:" + contact.externalId()));
        }
        return Optional.empty();
    }

    /**
     * The record's keys that really identify the contact search found: the one it was found by, and
     * the other only when the found contact carries the same value. A contact found by email whose
     * external id differs (or is missing) does not take the record's external id, which may be
     * another Intercom contact's; likewise for an email.
     */
    private static List<String> identifyingKeys(
            PlannedContact contact, FoundContact found, String foundBy) {
        List<String> keys = new ArrayList<>(2);
        keys.add(foundBy); // search matched on it, whatever its answer spells
        if (foundBy.startsWith("email:")
                && contact.externalId() != null
                && contact.externalId().equals(found.externalId())) {
            keys.add("external_id:" + contact.externalId());
        }
        if (foundBy.startsWith("external_id:")
                && contact.email() != null
                && contact.email().equalsIgnoreCase(found.email())) {
            keys.add("email:" + contact.email());
        }
        return keys;
    }

    /** Contacts this resolver looked for in Intercom, for want of them in the ledger. */
    long contactsSearched() {
        return searched.get();
    }

    /** Contacts this resolver created. */
    long contactsCreated() {
        return created.size();
    }

    /** Whether this resolver created the contact (it cannot have been deleted since). */
    public boolean createdHere(String contactId) {
        return created.contains(contactId);
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
