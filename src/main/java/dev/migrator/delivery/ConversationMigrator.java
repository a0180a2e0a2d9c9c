package dev.migrator.delivery;

import dev.migrator.delivery.InDoubtProtocol.SearchNotCaughtUp;
import dev.migrator.intercom.ApiErrorException;
import dev.migrator.intercom.IntercomApi;
import dev.migrator.intercom.IntercomApi.Content;
import dev.migrator.ledger.Ledger;
import dev.migrator.ledger.Ledger.ConversationEntry;
import dev.migrator.ledger.Ledger.ConversationState;
import dev.migrator.ledger.Ledger.PartEntry;
import dev.migrator.mapping.HtmlToText;
import dev.migrator.mapping.PlannedConversation;
import dev.migrator.mapping.PlannedPart;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.dao.DuplicateKeyException;
import tools.jackson.databind.JsonNode;

/**
 * Moves one planned conversation into Intercom, doing only what the ledger says is not done: the
 * conversation, then each later part in order, then close and tags. What a lost answer leaves in
 * doubt is settled by the {@link InDoubtProtocol}.
 */
public class ConversationMigrator {

    /**
     * The ledger's key for a close in progress: kept while its outcome is unknown, like a reply's,
     * and dropped once the conversation is known closed. No source part key looks like it.
     */
    static final String CLOSE_KEY = "intercom:close";

    private final IntercomApi api;
    private final Ledger ledger;
    private final ContactResolver contacts;
    private final AdminDirectory admins;
    private final String workspace;
    private final long runId;
    private final Duration searchLag;
    private final Clock clock;
    private final Mode mode;
    private final InDoubtProtocol inDoubt;
    private final InDoubtProtocol.Waiter waiter;
    private final Map<String, String> tagIds = new ConcurrentHashMap<>();

    /**
     * Neither waits for Intercom to catch up: a create or reply in doubt that Intercom cannot
     * confirm yet is deferred, and the other conversations go on. SETTLE comes after, for the
     * deferred records only, and looks again until the in-doubt window has passed; only SETTLE
     * refuses a create whose lost answer leaves several candidates after the window.
     */
    public enum Mode {
        MIGRATE,
        SETTLE
    }

    public ConversationMigrator(
            IntercomApi api,
            Ledger ledger,
            AdminDirectory admins,
            String workspace,
            long runId,
            Duration searchLag,
            Clock clock,
            Mode mode) {
        this(
                api,
                ledger,
                admins,
                workspace,
                runId,
                searchLag,
                clock,
                mode,
                InDoubtProtocol.Waiter.SLEEP);
    }

    ConversationMigrator(
            IntercomApi api,
            Ledger ledger,
            AdminDirectory admins,
            String workspace,
            long runId,
            Duration searchLag,
            Clock clock,
            Mode mode,
            InDoubtProtocol.Waiter waiter) {
        this.api = api;
        this.ledger = ledger;
        this.contacts = new ContactResolver(api, ledger, workspace);
        this.admins = admins;
        this.workspace = workspace;
        this.runId = runId;
        this.searchLag = searchLag;
        this.clock = clock;
        this.mode = mode;
        this.waiter = waiter;
        this.inDoubt = new InDoubtProtocol(searchLag, clock);
    }

    /** What became of one conversation. */
    public sealed interface Outcome {
        record Migrated(int partsSent) implements Outcome {}

        record AlreadyMigrated() implements Outcome {}

        /**
         * A create or a reply is in doubt and Intercom cannot tell yet: the settle step finishes
         * it, at {@code decidableAt} (epoch millis) at the latest.
         */
        record Deferred(long decidableAt) implements Outcome {}

        /** Intercom refused a request: nothing more is sent for this conversation in this run. */
        record Refused(String reason) implements Outcome {}
    }

    public Outcome migrate(PlannedConversation conversation) {
        String id = conversation.sourceId();
        try {
            Optional<ConversationEntry> entry = ledger.conversation(workspace, id);
            Map<String, PartEntry> parts = ledger.parts(workspace, id);
            if (entry.isPresent()
                    && !contacts.isKnownAs(conversation.contact(), entry.get().contactId())) {
                // Another customer's record under a known id: appending it would put their words in
                // this contact's mouth.
                return new Outcome.Refused(
                        "conversation "
                                + id
                                + " is already in Intercom with another contact ("
                                + entry.get().contactId()
                                + "); this record's contact ("
                                + describe(conversation.contact())
                                + ") is not it, so none of its messages is added there");
            }
            int sent = 0;
            String contactId =
                    entry.map(ConversationEntry::contactId)
                            .orElseGet(() -> contacts.resolve(conversation.contact()));
            String intercomId;
            List<PlannedPart> later;
            if (entry.isPresent() && entry.get().state() != ConversationState.CREATING) {
                intercomId = entry.get().intercomId();
                // The conversation is in Intercom with the opening it was created from. A later
                // export may
                // hold an earlier message: every part but that opening is then a reply, so none is
                // lost or doubled.
                // A start marker only ever opens a conversation: here the agent's own message says
                // it.
                String sentOpening = entry.get().openingKey();
                later =
                        conversation.parts().stream()
                                .filter(
                                        part ->
                                                !part.key().equals(sentOpening)
                                                        && !part.startMarker())
                                .toList();
            } else {
                intercomId = open(conversation, contactId, entry);
                later = conversation.replies();
                sent++;
            }
            boolean closedBefore = entry.map(ConversationEntry::closed).orElse(false);
            boolean hasNewParts =
                    later.stream()
                            .anyMatch(
                                    part ->
                                            !parts.containsKey(part.key())
                                                    || !parts.get(part.key()).sent());
            if (closedBefore && hasNewParts) {
                // New parts may reopen it: forget "closed" first, so that a crash before the close
                // below still closes it.
                ledger.conversationReopened(workspace, id);
                closedBefore = false;
            }
            for (PlannedPart part : later) {
                PartEntry known = parts.get(part.key());
                if (known != null && known.sent()) {
                    continue;
                }
                if (reply(id, intercomId, contactId, part, known)) {
                    sent++;
                }
                ledger.partSent(workspace, id, part.key(), runId);
            }
            // A conversation met before may have been closed just before a crash, or reopened by a
            // new
            // reply: ask Intercom rather than close it twice or leave it open.
            PartEntry pendingClose = parts.get(CLOSE_KEY);
            boolean closedNow =
                    conversation.close()
                            && (entry.isEmpty()
                                    || (!closedBefore
                                            && !closedInIntercom(id, intercomId, pendingClose)));
            if (closedNow) {
                close(id, intercomId);
            }
            if (closedNow || pendingClose != null) {
                if (conversation.close()) {
                    ledger.conversationClosed(workspace, id);
                }
                ledger.forgetPart(workspace, id, CLOSE_KEY);
            }
            boolean taggedNow =
                    !conversation.tags().isEmpty()
                            && (!entry.map(ConversationEntry::tagged).orElse(false) || sent > 0);
            if (taggedNow) {
                for (String tag : conversation.tags()) {
                    api.tag(
                            intercomId,
                            tagIds.computeIfAbsent(tag, api::tagId),
                            admins.actorAdminId());
                }
                ledger.conversationTagged(workspace, id);
            }
            boolean changed = sent > 0 || closedNow || taggedNow;
            if (!changed && entry.map(e -> e.state() == ConversationState.COMPLETE).orElse(false)) {
                return new Outcome.AlreadyMigrated();
            }
            ledger.conversationComplete(workspace, id, changed ? runId : null);
            return changed ? new Outcome.Migrated(sent) : new Outcome.AlreadyMigrated();
        } catch (ApiErrorException e) {
            return new Outcome.Refused("conversation " + id + ": " + e.getMessage());
        } catch (SearchNotCaughtUp e) {
            return new Outcome.Deferred(e.decidableAt());
        } catch (AmbiguousAdoption e) {
            return new Outcome.Refused(
                    "conversation "
                            + id
                            + ": its create's answer was lost, and Intercom holds "
                            + e.candidates.size()
                            + " conversations that may be it ("
                            + String.join(", ", e.candidates)
                            + ": same contact, same created_at second, same text, none held by"
                            + " another source conversation); which one is its own is ambiguous,"
                            + " so none is adopted and it is not created again. Check these"
                            + " conversations in Intercom");
        }
    }

    /**
     * After the in-doubt window, search still shows several conversations this one's lost create
     * may have made, none held by another source conversation: adopting one would be a guess.
     */
    static final class AmbiguousAdoption extends RuntimeException {
        final List<String> candidates;

        AmbiguousAdoption(List<String> candidates) {
            super(null, null, false, false);
            this.candidates = candidates;
        }
    }

    private static String describe(PlannedConversation.PlannedContact contact) {
        return contact.email() != null ? contact.email() : "external id " + contact.externalId();
    }

    /**
     * Creates the conversation unless an earlier, unanswered create did; returns its Intercom id.
     */
    private String open(
            PlannedConversation conversation,
            String contactId,
            Optional<ConversationEntry> pending) {
        PlannedPart opening = conversation.opening();
        String sourceId = conversation.sourceId();
        Optional<String> found =
                pending.isPresent()
                        ? awaitConversation(
                                sourceId, contactId, opening, pending.get().attemptedAt())
                        : Optional.empty();
        String intercomId =
                found.orElseGet(
                        () ->
                                inDoubt.send(
                                        "creating conversation " + sourceId,
                                        () -> create(conversation, contactId),
                                        () -> {
                                            // The window counts from when the answer was lost, the
                                            // latest the create can have happened.
                                            long lostAt = clock.millis();
                                            recordCreating(conversation, contactId, lostAt);
                                            return awaitConversation(
                                                    sourceId, contactId, opening, lostAt);
                                        }));
        try {
            ledger.conversationCreated(workspace, sourceId, intercomId, runId);
        } catch (DuplicateKeyException e) {
            // Between the create and this line, another source conversation with the same
            // contact, time and text lost its own create's answer and adopted this one. Its own
            // create, if it happened, is then this one's: this conversation is in doubt from now.
            recordCreating(conversation, contactId, clock.millis());
            return open(conversation, contactId, ledger.conversation(workspace, sourceId));
        }
        return intercomId;
    }

    /** Sends the create; a refusal means it certainly did not happen: nothing is in doubt. */
    private String create(PlannedConversation conversation, String contactId) {
        try {
            return createWhenContactVisible(
                    conversation,
                    contactId,
                    () -> recordCreating(conversation, contactId, clock.millis()));
        } catch (ApiErrorException e) {
            ledger.forgetConversationInDoubt(workspace, conversation.sourceId());
            throw e;
        }
    }

    /**
     * Records the create's intent, or the moment its answer was lost: the in-doubt window counts
     * from the latest of them.
     */
    private void recordCreating(PlannedConversation conversation, String contactId, long at) {
        ledger.conversationCreating(
                workspace,
                conversation.sourceId(),
                contactId,
                conversation.opening().key(),
                conversation.opening().createdAt(),
                at,
                runId);
    }

    /**
     * Intercom answers 404 "User Not Found" for a short while after a contact is created. The
     * intent is recorded before every attempt, so that it always dates the latest create sent.
     */
    private String createWhenContactVisible(
            PlannedConversation conversation, String contactId, Runnable recordIntent) {
        long deadline = clock.millis() + searchLag.toMillis();
        for (long pause = 250; ; pause = Math.min(pause * 2, 5_000)) {
            recordIntent.run();
            try {
                return api.createConversation(
                        contactId,
                        conversation.contact().role().apiName(),
                        conversation.subject(),
                        content(conversation.opening()));
            } catch (ApiErrorException e) {
                if (e.status() != 404 || clock.millis() + pause > deadline) {
                    throw e;
                }
                waiter.waitMillis(pause);
            }
        }
    }

    /**
     * Looks for a conversation an unanswered create may have made, until the in-doubt window has
     * passed, and adopts it. A conversation another source conversation holds is never adopted (one
     * email sent to two support addresses gives two source conversations with the same contact,
     * time and text). When several conversations no other source conversation holds match, which
     * one is this one's cannot be told: the migrate step defers, and the settle step looks again
     * until the window has passed, then refuses the conversation ({@link AmbiguousAdoption}) rather
     * than guess.
     */
    private Optional<String> awaitConversation(
            String sourceId, String contactId, PlannedPart opening, long attemptedAt) {
        AtomicReference<List<String>> ambiguous = new AtomicReference<>(List.of());
        Optional<String> found =
                inDoubt.search(
                        attemptedAt, () -> adoptMatching(sourceId, contactId, opening, ambiguous));
        if (found.isEmpty() && !ambiguous.get().isEmpty()) {
            if (mode == Mode.MIGRATE) {
                throw new SearchNotCaughtUp(clock.millis());
            }
            throw new AmbiguousAdoption(ambiguous.get());
        }
        return found;
    }

    /**
     * One look: adopts the only matching conversation that no other source conversation holds, if
     * there is exactly one; else sets {@code ambiguous} to the candidates when there are several.
     */
    private Optional<String> adoptMatching(
            String sourceId,
            String contactId,
            PlannedPart opening,
            AtomicReference<List<String>> ambiguous) {
        Set<String> matching = new LinkedHashSet<>();
        for (JsonNode candidate : api.findConversations(contactId, opening.createdAt())) {
            if (sameText(candidate.path("source").path("body").asString(""), opening.body())) {
                matching.add(candidate.path("id").asString());
            }
        }
        while (true) {
            List<String> free =
                    matching.stream()
                            .filter(
                                    candidate ->
                                            ledger.holderOf(workspace, candidate)
                                                    .map(sourceId::equals)
                                                    .orElse(true))
                            .toList();
            ambiguous.set(free.size() > 1 ? free : List.of());
            if (free.size() != 1) {
                return Optional.empty();
            }
            try {
                // The unique index makes the check and the adoption one: of two workers adopting
                // the same conversation at once, one fails here and looks at the rest again.
                ledger.conversationCreated(workspace, sourceId, free.get(0), runId);
                return Optional.of(free.get(0));
            } catch (DuplicateKeyException e) {
                matching.remove(free.get(0));
            }
        }
    }

    /**
     * Sends one later part; returns false when an earlier, unanswered attempt turns out to have
     * done it. An attempt whose answer was lost is looked for until the in-doubt window since then
     * has passed (Intercom may still be processing it), so it is never sent twice.
     */
    private boolean reply(
            String sourceId,
            String intercomId,
            String contactId,
            PlannedPart part,
            PartEntry pending) {
        if (pending != null
                && partInIntercom(sourceId, intercomId, contactId, part, pending.attemptedAt())) {
            return false;
        }
        return inDoubt.send(
                "sending part " + part.key() + " of conversation " + sourceId,
                () -> {
                    ledger.partSending(
                            workspace, sourceId, part.key(), part.createdAt(), clock.millis());
                    if (part.byContact()) {
                        api.replyAsContact(intercomId, contactId, content(part));
                    } else {
                        api.replyAsAdmin(
                                intercomId,
                                admins.adminFor(part.agentEmail()),
                                part.note(),
                                content(part));
                    }
                    return true;
                },
                () -> {
                    // The in-doubt window counts from when the answer was lost, the latest the part
                    // can have been sent.
                    long lostAt = clock.millis();
                    ledger.partSending(workspace, sourceId, part.key(), part.createdAt(), lostAt);
                    return partInIntercom(sourceId, intercomId, contactId, part, lostAt)
                            ? Optional.of(true)
                            : Optional.empty();
                });
    }

    private boolean partInIntercom(
            String sourceId,
            String intercomId,
            String contactId,
            PlannedPart part,
            long attemptedAt) {
        return inDoubt.search(
                        attemptedAt,
                        () ->
                                partExists(intercomId, contactId, part)
                                        ? Optional.of(true)
                                        : Optional.<Boolean>empty())
                .isPresent();
    }

    /**
     * The part is in the conversation: same kind (comment or note), same author, same time, same
     * text.
     */
    private boolean partExists(String intercomId, String contactId, PlannedPart part) {
        String kind = part.note() ? "note" : "comment";
        String author = part.byContact() ? contactId : admins.adminFor(part.agentEmail());
        for (JsonNode existing :
                api.conversation(intercomId)
                        .path("conversation_parts")
                        .path("conversation_parts")) {
            boolean byAdmin = existing.path("author").path("type").asString("").equals("admin");
            if (existing.path("created_at").asLong() == part.createdAt()
                    && byAdmin == !part.byContact()
                    && existing.path("part_type").asString("").equals(kind)
                    && existing.path("author").path("id").asString("").equals(author)
                    && sameText(existing.path("body").asString(""), part.body())) {
                return true;
            }
        }
        return false;
    }

    /** Closes the conversation; a close whose answer was lost is looked for as a reply is. */
    private void close(String sourceId, String intercomId) {
        inDoubt.send(
                "closing conversation " + intercomId,
                () -> {
                    ledger.partSending(workspace, sourceId, CLOSE_KEY, 0, clock.millis());
                    api.close(intercomId, admins.actorAdminId());
                    return true;
                },
                () -> {
                    long lostAt = clock.millis();
                    ledger.partSending(workspace, sourceId, CLOSE_KEY, 0, lostAt);
                    return closedInIntercom(sourceId, intercomId, new PartEntry(false, lostAt))
                            ? Optional.of(true)
                            : Optional.empty();
                });
    }

    /**
     * Whether Intercom shows the conversation closed. After a close in doubt ({@code pending}), it
     * is looked for until the in-doubt window since that attempt has passed.
     */
    private boolean closedInIntercom(String sourceId, String intercomId, PartEntry pending) {
        if (pending == null) {
            return isClosed(intercomId);
        }
        return inDoubt.search(
                        pending.attemptedAt(),
                        () -> isClosed(intercomId) ? Optional.of(true) : Optional.<Boolean>empty())
                .isPresent();
    }

    private boolean isClosed(String intercomId) {
        return "closed".equals(api.conversation(intercomId).path("state").asString(""));
    }

    private static Content content(PlannedPart part) {
        return new Content(part.body(), part.attachmentUrls(), part.createdAt());
    }

    /** Intercom may store a plain-text body as HTML; compare the text, not the markup. */
    private static boolean sameText(String stored, String sent) {
        return normalize(HtmlToText.toPlainText(stored)).equals(normalize(sent));
    }

    private static String normalize(String text) {
        return text.replaceAll("\\s+", " ").trim();
    }
}
