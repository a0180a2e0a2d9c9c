package dev.migrator.delivery;

import dev.migrator.attachments.AttachmentCarrier;
import dev.migrator.attachments.AttachmentCarrier.Carried;
import dev.migrator.attachments.AttachmentCarrier.Plan;
import dev.migrator.delivery.InDoubtProtocol.SearchNotCaughtUp;
import dev.migrator.intercom.ApiErrorException;
import dev.migrator.intercom.IntercomApi;
import dev.migrator.intercom.IntercomApi.AssigneeKind;
import dev.migrator.intercom.IntercomApi.Content;
import dev.migrator.intercom.IntercomApi.ConversationUpdate;
import dev.migrator.ledger.DeliveryLedger;
import dev.migrator.ledger.DeliveryLedger.KnownParts;
import dev.migrator.ledger.Ledger.ConversationEntry;
import dev.migrator.ledger.Ledger.ConversationState;
import dev.migrator.ledger.Ledger.PartEntry;
import dev.migrator.mapping.PlannedAttachment;
import dev.migrator.mapping.PlannedConversation;
import dev.migrator.mapping.PlannedConversation.PlannedCompany;
import dev.migrator.mapping.PlannedConversation.PlannedDetails;
import dev.migrator.mapping.PlannedPart;
import dev.migrator.support.Sha256;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;

/**
 * Moves one planned conversation into Intercom, doing only what the ledger says is not done: the
 * contact's company, the conversation (or, with {@code --adopt-existing}, the one already there),
 * its update (title, attributes, source key), then each later part in order, then its assignment to
 * an admin and a team, then close and tags. What a lost answer leaves in doubt is settled by the
 * {@link InDoubtProtocol}; what Intercom already holds is asked through {@link IntercomLookups}.
 */
public class ConversationMigrator {

    private static final Logger log = LoggerFactory.getLogger(ConversationMigrator.class);

    /**
     * The ledger's key for a close in progress: kept while its outcome is unknown, like a reply's,
     * and dropped once the conversation is known closed. No source part key looks like it.
     */
    static final String CLOSE_KEY = "intercom:close";

    /**
     * The ledger's keys for an assignment in progress, to an admin and to a team: an assignment
     * adds a part to the conversation, so its intent is kept like a close's until it is known done.
     */
    static final String ASSIGN_ADMIN_KEY = "intercom:assign:admin";

    static final String ASSIGN_TEAM_KEY = "intercom:assign:team";

    /**
     * The ledger's key for the note that carries the opening message's files (a conversation's
     * create takes URLs only): one per conversation, sent like a reply, kept once sent.
     */
    static final String OPENING_FILES_KEY = "intercom:opening-files";

    /** The note's body, before the list of the files it could not carry, if any. */
    public static final String OPENING_FILES_HEADING = "Attachments of the first message:";

    private final IntercomApi api;
    private final DeliveryLedger ledger;
    private final ContactResolver contacts;
    private final AdminDirectory admins;
    private final TeamDirectory teams;
    private final AttributeSchema attributes;
    private final String workspace;
    private final long runId;
    private final Duration searchLag;
    private final Clock clock;
    private final Mode mode;
    private final InDoubtProtocol inDoubt;
    private final InDoubtProtocol.Waiter waiter;
    private final DeliveryOptions options;
    private final IntercomLookups lookups;
    private final AttachmentCarrier carrier;
    private final Map<String, String> tagIds = new ConcurrentHashMap<>();

    // What this migrator did, for the run's least possible calls (see RequiredCalls).
    private final LongAdder conversationsCreated = new LongAdder();
    private final LongAdder repliesSent = new LongAdder();
    private final LongAdder updatesSent = new LongAdder();
    private final LongAdder closesSent = new LongAdder();
    private final LongAdder tagsApplied = new LongAdder();
    private final LongAdder tagNamesLookedUp = new LongAdder();
    private final LongAdder companiesUpserted = new LongAdder();
    private final LongAdder companiesAttached = new LongAdder();

    // What this migrator set around the threads (see InboxTally).
    private final LongAdder titlesSet = new LongAdder();
    private final LongAdder adminAssignments = new LongAdder();
    private final LongAdder teamAssignments = new LongAdder();
    private final LongAdder attributesSet = new LongAdder();
    private final Map<String, LongAdder> unmatchedAssignees = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> unmatchedTeams = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> attributesLeftOut = new ConcurrentHashMap<>();

    /** Attributes whose values did not fit: the log hears of each once, the summary counts all. */
    private final Set<String> warnedAttributes = ConcurrentHashMap.newKeySet();

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

    /** A migrator that carries attachments as {@code carrier} decides. */
    public ConversationMigrator(
            IntercomApi api,
            DeliveryLedger ledger,
            WorkspaceDirectory directory,
            String workspace,
            long runId,
            Duration searchLag,
            Clock clock,
            Mode mode,
            DeliveryOptions options,
            AttachmentCarrier carrier) {
        this(
                api,
                ledger,
                directory,
                workspace,
                runId,
                searchLag,
                clock,
                mode,
                options,
                carrier,
                InDoubtProtocol.Waiter.SLEEP);
    }

    ConversationMigrator(
            IntercomApi api,
            DeliveryLedger ledger,
            WorkspaceDirectory directory,
            String workspace,
            long runId,
            Duration searchLag,
            Clock clock,
            Mode mode,
            DeliveryOptions options,
            AttachmentCarrier carrier,
            InDoubtProtocol.Waiter waiter) {
        this.api = api;
        this.carrier = carrier;
        this.ledger = ledger;
        this.contacts = new ContactResolver(api, ledger, workspace, runId);
        this.admins = directory.admins();
        this.teams = directory.teams();
        this.attributes = directory.attributes();
        this.workspace = workspace;
        this.runId = runId;
        this.searchLag = searchLag;
        this.clock = clock;
        this.mode = mode;
        this.waiter = waiter;
        this.options = options;
        this.lookups = new IntercomLookups(api, ledger, workspace, options.sourceAttribute());
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
        // Each kind of deletion is forgotten at most once: a conversation, then its contact.
        for (int attempt = 1; ; attempt++) {
            try {
                return migrateOnce(conversation);
            } catch (DeletedInIntercom deleted) {
                String reason = deleted.reason(conversation.sourceId());
                if (deletedOnce.add(deleted.intercomId)) {
                    log.warn("Warning: {}", reason);
                }
                if (!options.recreateDeleted() || attempt > 2) {
                    return new Outcome.Refused(
                            reason + ". Set migration.recreate-deleted: true to create it again");
                }
                Optional<String> stillThere = deleted.forget(ledger, workspace, conversation);
                if (stillThere.isPresent()) {
                    return new Outcome.Refused(
                            reason
                                    + "; the conversation itself is still in Intercom ("
                                    + stillThere.get()
                                    + "), so it is not created again");
                }
            }
        }
    }

    /** What this migrator has done since it was made, as the calls it takes at the least. */
    public RequiredCalls requiredCalls() {
        return new RequiredCalls(
                conversationsCreated.sum(),
                repliesSent.sum(),
                updatesSent.sum(),
                closesSent.sum(),
                tagsApplied.sum(),
                tagNamesLookedUp.sum(),
                contacts.contactsSearched(),
                contacts.contactsCreated(),
                companiesUpserted.sum(),
                companiesAttached.sum(),
                adminAssignments.sum() + teamAssignments.sum());
    }

    /**
     * What this migrator has set around the threads since it was made, and what it could not place,
     * counted per conversation that reached its outcome.
     */
    public InboxTally inboxTally() {
        return new InboxTally(
                titlesSet.sum(),
                adminAssignments.sum(),
                teamAssignments.sum(),
                attributesSet.sum(),
                companiesAttached.sum(),
                sums(unmatchedAssignees),
                sums(unmatchedTeams),
                sums(attributesLeftOut));
    }

    private static Map<String, Long> sums(Map<String, LongAdder> counts) {
        return counts.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().sum()));
    }

    private static void count(Map<String, LongAdder> counts, String key) {
        counts.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    private String lookUpTagId(String name) {
        String id = api.tagId(name);
        tagNamesLookedUp.increment();
        return id;
    }

    /** Contacts and conversations found deleted in this run: the console hears of each once. */
    private final Set<String> deletedOnce = ConcurrentHashMap.newKeySet();

    /**
     * What an Intercom 404 means for a conversation or contact the ledger knew: deleted since, or
     * something else (a 404 for another reason is a refusal like any other).
     */
    private Optional<DeletedInIntercom> deletedSince(String contactId, String intercomId) {
        if (intercomId != null && !api.conversationExists(intercomId)) {
            return Optional.of(new DeletedInIntercom(false, intercomId));
        }
        if (contactId != null && contactDeleted(contactId)) {
            return Optional.of(new DeletedInIntercom(true, contactId));
        }
        return Optional.empty();
    }

    /**
     * A contact made by this run may not be visible yet; one the ledger knew is deleted if gone.
     */
    private boolean contactDeleted(String contactId) {
        return !contacts.createdHere(contactId) && !api.contactExists(contactId);
    }

    private Outcome migrateOnce(PlannedConversation conversation) {
        String id = conversation.sourceId();
        String contactId = null;
        String intercomId = null;
        try {
            Optional<ConversationEntry> entry = ledger.conversation(workspace, id);
            KnownParts parts = ledger.knownParts(workspace, id);
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
            contactId =
                    entry.map(ConversationEntry::contactId)
                            .orElseGet(() -> contacts.resolve(conversation.contact()));
            if (!options.recreateDeleted() && deletedOnce.contains(contactId)) {
                throw new DeletedInIntercom(true, contactId); // found out once: no call again
            }
            boolean attachedNow = attachCompany(conversation.details().company(), contactId);
            Optional<String> adopted =
                    entry.isEmpty() && options.adoptExisting()
                            ? adoptExisting(conversation, contactId)
                            : Optional.empty();
            List<PlannedPart> later;
            // Already in Intercom before this run: a part the ledger does not know may be there.
            boolean metBefore;
            // The opening, and how its attachments go: decided once here, for its create and its
            // note; no plan when no note can be due.
            PlannedPart opening = conversation.opening();
            Plan openingPlan;
            if (entry.isPresent() && entry.get().state() != ConversationState.CREATING) {
                intercomId = entry.get().intercomId();
                later = beyondOpening(conversation, entry.get().openingKey());
                metBefore = true;
                // A complete conversation has had its note, if it needed one; in one a crash left
                // unfinished, the note is sent unless the ledger says it was.
                String openingKey = entry.get().openingKey();
                opening =
                        conversation.parts().stream()
                                .filter(part -> part.key().equals(openingKey))
                                .findFirst()
                                .orElse(null);
                openingPlan =
                        entry.get().state() == ConversationState.COMPLETE || opening == null
                                ? null
                                : carrier.plan(opening.attachments());
            } else if (adopted.isPresent()) {
                // Created before, by another ledger: what its opening carried cannot be told.
                intercomId = adopted.get();
                later = beyondOpening(conversation, conversation.opening().key());
                metBefore = true;
                openingPlan = null;
            } else {
                openingPlan = carrier.plan(opening.attachments());
                intercomId = open(conversation, contactId, entry, openingPlan.linkedUrls());
                conversationsCreated.increment();
                later = conversation.replies();
                sent++;
                metBefore = false;
            }
            if (openingPlan != null
                    && sendOpeningFiles(
                            id, intercomId, opening, openingPlan, parts.get(OPENING_FILES_KEY))) {
                sent++;
                repliesSent.increment();
            }
            List<String> leftOut = new ArrayList<>();
            boolean updatedNow = update(conversation, intercomId, entry, leftOut);
            boolean closedBefore = entry.map(ConversationEntry::closed).orElse(false);
            boolean hasNewParts =
                    later.stream()
                            .anyMatch(
                                    part -> {
                                        PartEntry known = parts.get(part.key());
                                        return known == null || !known.sent();
                                    });
            if (closedBefore && hasNewParts) {
                // New parts may reopen it: forget "closed" first, so that a crash before the close
                // below still closes it.
                ledger.conversationReopened(workspace, id);
                closedBefore = false;
            }
            sent += sendLater(conversation, intercomId, contactId, later, parts, metBefore);
            PlannedDetails details = conversation.details();
            Optional<String> admin = admins.assigneeFor(details.assigneeEmail());
            Optional<String> team = teams.teamFor(details.team());
            String lastAdmin = entry.map(ConversationEntry::adminAssigneeId).orElse(null);
            String lastTeam = entry.map(ConversationEntry::teamAssigneeId).orElse(null);
            if (closedBefore
                    && (admin.filter(a -> !a.equals(lastAdmin)).isPresent()
                            || team.filter(t -> !t.equals(lastTeam)).isPresent())) {
                // An assignment reopens a closed conversation: forget "closed" first, so that it
                // is closed again below, even after a crash.
                ledger.conversationReopened(workspace, id);
                closedBefore = false;
            }
            // In Intercom before this run with no assignment in the ledger (adopted, or from a
            // ledger older than assignments): it may be assigned already, so one look first.
            IntercomConversation before =
                    metBefore
                                    && ((admin.isPresent() && lastAdmin == null)
                                            || (team.isPresent() && lastTeam == null))
                            ? lookups.conversation(intercomId)
                            : null;
            boolean adminAssignedNow =
                    assign(
                            id,
                            intercomId,
                            AssigneeKind.ADMIN,
                            admin.orElse(null),
                            lastAdmin,
                            parts.get(ASSIGN_ADMIN_KEY),
                            before);
            boolean teamAssignedNow =
                    assign(
                            id,
                            intercomId,
                            AssigneeKind.TEAM,
                            team.orElse(null),
                            lastTeam,
                            parts.get(ASSIGN_TEAM_KEY),
                            before);
            // A conversation met before may have been closed just before a crash, or reopened by a
            // new reply: ask Intercom rather than close it twice or leave it open.
            PartEntry pendingClose = parts.get(CLOSE_KEY);
            boolean createdNow = entry.isEmpty() && adopted.isEmpty();
            boolean closedNow =
                    conversation.close()
                            && (createdNow
                                    || (!closedBefore
                                            && !closedInIntercom(id, intercomId, pendingClose)));
            if (closedNow) {
                close(id, intercomId);
                closesSent.increment();
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
                            tagIds.computeIfAbsent(tag, this::lookUpTagId),
                            admins.actorAdminId());
                    tagsApplied.increment();
                }
                ledger.conversationTagged(workspace, id);
            }
            boolean changed =
                    sent > 0
                            || attachedNow
                            || updatedNow
                            || adminAssignedNow
                            || teamAssignedNow
                            || closedNow
                            || taggedNow;
            // Counted once the conversation has its outcome (a deferred one is met again), and
            // only by the run that changed it: a re-run that finds it done has nothing to report.
            if (changed) {
                if (details.assigneeEmail() != null && admin.isEmpty()) {
                    count(unmatchedAssignees, details.assigneeEmail());
                }
                if (details.team() != null && team.isEmpty()) {
                    count(unmatchedTeams, details.team());
                }
                leftOut.forEach(name -> count(attributesLeftOut, name));
            }
            if (!changed && entry.map(e -> e.state() == ConversationState.COMPLETE).orElse(false)) {
                return new Outcome.AlreadyMigrated();
            }
            ledger.conversationComplete(workspace, id, changed ? runId : null);
            return changed ? new Outcome.Migrated(sent) : new Outcome.AlreadyMigrated();
        } catch (ApiErrorException e) {
            if (e.status() == 404) {
                Optional<DeletedInIntercom> deleted = deletedSince(contactId, intercomId);
                if (deleted.isPresent()) {
                    throw deleted.get();
                }
            }
            return new Outcome.Refused("conversation " + id + ": " + e.getMessage());
        } catch (SearchNotCaughtUp e) {
            return new Outcome.Deferred(e.decidableAt());
        } catch (AmbiguousAdoption e) {
            return new Outcome.Refused(e.reason(id));
        }
    }

    /**
     * Sends the parts after the opening in order, each unless the ledger says it is sent; returns
     * how many were sent. For a conversation that was in Intercom before this run ({@code
     * metBefore}), a part the ledger does not know is first looked for there (one {@code GET} for
     * all of them), and recorded, not sent, when found: as the opening, or as a part; adding one
     * older than the conversation's latest message is logged, since Intercom shows parts in the
     * order they are added.
     */
    private int sendLater(
            PlannedConversation conversation,
            String intercomId,
            String contactId,
            List<PlannedPart> later,
            KnownParts parts,
            boolean metBefore) {
        String sourceId = conversation.sourceId();
        int sent = 0;
        IntercomConversation inIntercom = null;
        List<String> older = new ArrayList<>();
        for (PlannedPart part : later) {
            PartEntry known = parts.get(part.key());
            if (known != null && known.sent()) {
                continue;
            }
            if (known == null && metBefore) {
                if (inIntercom == null) {
                    inIntercom = lookups.conversation(intercomId);
                }
                // Sent under another ledger, or under another key for the same message.
                String author = authorOf(part, contactId);
                if (inIntercom.opensWith(part, author)) {
                    ledger.conversationOpenedWith(workspace, sourceId, part.key());
                    continue;
                }
                if (inIntercom.hasPart(part, author)) {
                    ledger.partFound(
                            workspace,
                            sourceId,
                            part.key(),
                            part.createdAt(),
                            // The opening's note is at the opening's time: never another key's.
                            Stream.concat(
                                            conversation.parts().stream().map(PlannedPart::key),
                                            Stream.of(OPENING_FILES_KEY))
                                    .collect(Collectors.toSet()));
                    continue;
                }
                if (part.createdAt() < inIntercom.latestMessageAt()) {
                    older.add(part.key());
                }
            }
            if (reply(sourceId, intercomId, contactId, part, known)) {
                sent++;
                repliesSent.increment();
            }
            ledger.partSent(workspace, sourceId, part.key(), runId);
        }
        if (!older.isEmpty()) {
            log.warn(
                    "Warning: conversation {} ({} in Intercom): {} message(s) older than its latest"
                            + " one there ({}) added after it, so Intercom shows them out of time"
                            + " order: {}",
                    sourceId,
                    intercomId,
                    older.size(),
                    Instant.ofEpochSecond(inIntercom.latestMessageAt()),
                    older);
        }
        return sent;
    }

    /** Every part but the opening a conversation already in Intercom was created from. */
    private static List<PlannedPart> beyondOpening(
            PlannedConversation conversation, String openingKey) {
        // A later export may hold an earlier message: every part but that opening is then a reply,
        // so none is lost or doubled. A start marker only ever opens a conversation: here the
        // agent's own message says it.
        return conversation.parts().stream()
                .filter(part -> !part.key().equals(openingKey) && !part.startMarker())
                .toList();
    }

    /**
     * {@code --adopt-existing}: the conversation already in Intercom (by its source key, else by
     * contact, time and text), adopted; empty when there is none, and it is created.
     */
    private Optional<String> adoptExisting(PlannedConversation conversation, String contactId) {
        String sourceId = conversation.sourceId();
        IntercomLookups.Adoption adoption =
                lookups.adopt(
                        sourceId,
                        lookups.copiesOf(conversation, contactId),
                        candidate ->
                                ledger.conversationAdopted(
                                        workspace,
                                        sourceId,
                                        contactId,
                                        conversation.opening().key(),
                                        conversation.opening().createdAt(),
                                        candidate,
                                        runId));
        if (!adoption.ambiguous().isEmpty()) {
            throw new AmbiguousAdoption(
                    "--adopt-existing looked it up before creating it",
                    adoption.ambiguous(),
                    options.sourceAttribute() == null
                            ? "same contact, same created_at second, same text"
                            : "each carries its source key, or the same contact, created_at"
                                    + " second and text");
        }
        return adoption.adopted();
    }

    /**
     * The contact's company, found ({@code GET /companies?company_id=}) or else created ({@code
     * POST /companies}) once per workspace, and the contact attached to it once; both kept in the
     * ledger, so that a re-run makes no call. Returns whether the contact was attached now.
     */
    private boolean attachCompany(PlannedCompany company, String contactId) {
        if (company == null || company.companyId() == null) {
            return false;
        }
        String companyIntercomId =
                ledger.companyIntercomId(workspace, company.companyId())
                        .orElseGet(
                                () -> {
                                    // Looked up first: only a company this run made is ever
                                    // undone, and one that exists is left as it is.
                                    Optional<String> existing =
                                            api.findCompany(company.companyId());
                                    companiesUpserted.increment();
                                    if (existing.isPresent()) {
                                        return ledger.saveCompany(
                                                workspace,
                                                company.companyId(),
                                                existing.get(),
                                                null);
                                    }
                                    String made =
                                            api.upsertCompany(company.companyId(), company.name());
                                    companiesUpserted.increment();
                                    return ledger.saveCompany(
                                            workspace, company.companyId(), made, runId);
                                });
        if (ledger.isAttached(workspace, contactId, companyIntercomId)) {
            return false;
        }
        if (contacts.createdHere(contactId)) {
            // Intercom may not show a contact it created moments ago yet.
            whenContactVisible(
                    contactId,
                    () -> {
                        api.attachCompany(contactId, companyIntercomId);
                        return null;
                    });
        } else {
            api.attachCompany(contactId, companyIntercomId);
        }
        // Two conversations of one contact may attach it side by side (harmless: attaching is
        // idempotent); the contact is counted once.
        boolean firstToAttach = ledger.contactAttached(workspace, contactId, companyIntercomId);
        if (firstToAttach) {
            companiesAttached.increment();
        }
        return firstToAttach;
    }

    /**
     * Applies the conversation update once: its title (the subject), its attributes (each value
     * converted to its attribute's type; one that does not fit is left out, named in {@code
     * leftOut}) and its source key in {@code migration.source-attribute}, in one {@code PUT}. It is
     * sent after the create or the adoption, or on a later run when a crash came between them or
     * the update changed; never when it sets nothing. Returns whether it was sent.
     */
    private boolean update(
            PlannedConversation conversation,
            String intercomId,
            Optional<ConversationEntry> entry,
            List<String> leftOut) {
        String sourceId = conversation.sourceId();
        Map<String, Object> values = new HashMap<>();
        conversation
                .details()
                .attributes()
                .forEach(
                        (name, raw) -> {
                            if (raw == null) {
                                return;
                            }
                            AttributeSchema.Conversion conversion = attributes.convert(name, raw);
                            if (conversion.converted()) {
                                values.put(name, conversion.value());
                            } else {
                                leftOut.add(name);
                                if (warnedAttributes.add(name)) {
                                    log.warn(
                                            "Warning: conversation {}: {}, so it is left out (other"
                                                    + " values of \"{}\" that do not fit are only"
                                                    + " counted in summary.json)",
                                            sourceId,
                                            conversion.problem(),
                                            name);
                                }
                            }
                        });
        int attributeValues = values.size();
        if (options.sourceAttribute() != null) {
            values.put(options.sourceAttribute(), sourceId);
        }
        String subject = conversation.subject();
        ConversationUpdate update =
                new ConversationUpdate(
                        subject == null || subject.isBlank() ? null : subject, values);
        if (update.isEmpty()) {
            return false;
        }
        String sha = Sha256.of(update.toString());
        if (entry.filter(known -> known.updateApplied(sha)).isPresent()) {
            return false;
        }
        api.updateConversation(intercomId, update);
        updatesSent.increment();
        if (update.title() != null) {
            titlesSet.increment();
        }
        attributesSet.add(attributeValues);
        ledger.conversationUpdated(workspace, sourceId, sha, update);
        return true;
    }

    /**
     * Assigns the conversation to {@code wanted} (an admin or a team; {@code null}: nobody to
     * assign) unless the ledger says it was last assigned there. An assignment adds a part, so it
     * is never sent twice: its intent is recorded first, and after a lost answer, or a crash with
     * the intent recorded ({@code pending}), the conversation's assignee in Intercom is looked at
     * until the in-doubt window has passed before it is sent again. A conversation never assigned
     * by this ledger is not assigned again where Intercom showed it assigned {@code before} (when
     * it was looked at). Returns whether the ledger recorded an assignment now.
     */
    private boolean assign(
            String sourceId,
            String intercomId,
            AssigneeKind kind,
            String wanted,
            String lastAssigned,
            PartEntry pending,
            IntercomConversation before) {
        String key = kind == AssigneeKind.ADMIN ? ASSIGN_ADMIN_KEY : ASSIGN_TEAM_KEY;
        if (wanted == null || wanted.equals(lastAssigned)) {
            // Nothing to assign (any more): an intent left behind has nothing left to decide.
            if (pending != null) {
                ledger.forgetPart(workspace, sourceId, key);
            }
            return false;
        }
        boolean alreadyThere =
                pending != null
                        ? assignedInIntercom(intercomId, kind, wanted, pending.attemptedAt())
                        : before != null
                                && lastAssigned == null
                                && wanted.equals(assigneeOf(before, kind));
        if (!alreadyThere) {
            inDoubt.send(
                    "assigning conversation " + intercomId + " to " + kind.apiName() + " " + wanted,
                    () -> {
                        ledger.partSending(workspace, sourceId, key, 0, clock.millis());
                        api.assign(intercomId, admins.actorAdminId(), kind, wanted);
                        return true;
                    },
                    () -> {
                        long lostAt = clock.millis();
                        ledger.partSending(workspace, sourceId, key, 0, lostAt);
                        return assignedInIntercom(intercomId, kind, wanted, lostAt)
                                ? Optional.of(true)
                                : Optional.empty();
                    });
        }
        ledger.conversationAssigned(workspace, sourceId, kind, wanted);
        ledger.forgetPart(workspace, sourceId, key);
        (kind == AssigneeKind.ADMIN ? adminAssignments : teamAssignments).increment();
        return true;
    }

    /**
     * Whether Intercom shows the conversation assigned to {@code wanted}, looked for until the
     * in-doubt window since an attempt at {@code attemptedAt} has passed.
     */
    private boolean assignedInIntercom(
            String intercomId, AssigneeKind kind, String wanted, long attemptedAt) {
        return inDoubt.search(
                        attemptedAt,
                        () ->
                                wanted.equals(assigneeInIntercom(intercomId, kind))
                                        ? Optional.of(true)
                                        : Optional.<Boolean>empty())
                .isPresent();
    }

    private String assigneeInIntercom(String intercomId, AssigneeKind kind) {
        return assigneeOf(lookups.conversation(intercomId), kind);
    }

    private static String assigneeOf(IntercomConversation shown, AssigneeKind kind) {
        return kind == AssigneeKind.ADMIN ? shown.adminAssigneeId() : shown.teamAssigneeId();
    }

    /** Who writes the part in Intercom: the contact, or the admin the agent maps to. */
    private String authorOf(PlannedPart part, String contactId) {
        return part.byContact() ? contactId : admins.adminFor(part.agentEmail());
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
            Optional<ConversationEntry> pending,
            List<String> attachmentUrls) {
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
                                        () -> create(conversation, contactId, attachmentUrls),
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
            return open(
                    conversation,
                    contactId,
                    ledger.conversation(workspace, sourceId),
                    attachmentUrls);
        }
        return intercomId;
    }

    /** Sends the create; a refusal means it certainly did not happen: nothing is in doubt. */
    private String create(
            PlannedConversation conversation, String contactId, List<String> attachmentUrls) {
        try {
            return createWhenContactVisible(
                    conversation,
                    contactId,
                    attachmentUrls,
                    () -> recordCreating(conversation, contactId, clock.millis()));
        } catch (ApiErrorException | DeletedInIntercom e) {
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
            PlannedConversation conversation,
            String contactId,
            List<String> attachmentUrls,
            Runnable recordIntent) {
        return whenContactVisible(
                contactId,
                () -> {
                    recordIntent.run();
                    return api.createConversation(
                            contactId,
                            conversation.contact().role().apiName(),
                            conversation.subject(),
                            new Content(
                                    conversation.opening().body(),
                                    attachmentUrls,
                                    conversation.opening().createdAt()));
                });
    }

    /**
     * Makes a call about the contact, again after a 404 until the contact shows in Intercom (it may
     * not yet, just after its create) or the search lag has passed. A contact the ledger knew that
     * Intercom no longer has was deleted: no use waiting for it.
     */
    private <T> T whenContactVisible(String contactId, Supplier<T> call) {
        long deadline = clock.millis() + searchLag.toMillis();
        for (long pause = 250; ; pause = Math.min(pause * 2, 5_000)) {
            try {
                return call.get();
            } catch (ApiErrorException e) {
                if (e.status() != 404 || clock.millis() + pause > deadline) {
                    throw e;
                }
                if (contactDeleted(contactId)) {
                    throw new DeletedInIntercom(true, contactId);
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
                        attemptedAt,
                        () -> {
                            IntercomLookups.Adoption adoption =
                                    lookups.adopt(
                                            sourceId,
                                            lookups.createdFrom(contactId, opening),
                                            candidate ->
                                                    ledger.conversationCreated(
                                                            workspace, sourceId, candidate, runId));
                            ambiguous.set(adoption.ambiguous());
                            return adoption.adopted();
                        });
        if (found.isEmpty() && !ambiguous.get().isEmpty()) {
            if (mode == Mode.MIGRATE) {
                throw new SearchNotCaughtUp(clock.millis());
            }
            throw new AmbiguousAdoption(
                    "its create's answer was lost",
                    ambiguous.get(),
                    "same contact, same created_at second, same text");
        }
        return found;
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
        String author = authorOf(part, contactId);
        if (pending != null && partInIntercom(intercomId, part, author, pending.attemptedAt())) {
            return false;
        }
        List<PlannedAttachment> attachments = part.attachments();
        return sendPart(
                "sending part " + part.key() + " of conversation " + sourceId,
                sourceId,
                intercomId,
                part,
                part.key(),
                author,
                attachments.isEmpty() ? null : carrier.plan(attachments),
                content ->
                        part.byContact()
                                ? () -> api.replyAsContact(intercomId, contactId, content)
                                : () -> api.replyAsAdmin(intercomId, author, part.note(), content));
    }

    /**
     * Sends a part (a reply, or the opening's note) through the in-doubt protocol: its files to
     * carry ({@code plan}, or {@code null} when it has no attachments) downloaded first, then its
     * intent recorded (so that the in-doubt window counts from the request, not from the
     * downloads), the files it could not carry recorded under {@code failedKey} (the message's key:
     * for the opening's note, the opening's) and listed in its body, and the request sent; the
     * files are deleted once it has its answer. An attempt after a lost answer downloads again: the
     * body's list may then differ, which the look-up allows (see {@link
     * IntercomConversation#hasPart}).
     */
    private boolean sendPart(
            String what,
            String sourceId,
            String intercomId,
            PlannedPart part,
            String failedKey,
            String author,
            Plan plan,
            Function<Content, Runnable> request) {
        return inDoubt.send(
                what,
                () -> {
                    try (Carried carried =
                            plan == null ? Carried.NOTHING : carrier.carry(plan.toCarry())) {
                        ledger.partSending(
                                workspace, sourceId, part.key(), part.createdAt(), clock.millis());
                        if (plan != null && carrier.mayCarry()) {
                            // In place of an earlier attempt's: this request's body lists these.
                            ledger.attachmentsFailed(
                                    workspace, sourceId, failedKey, runId, carried.failed());
                        }
                        request.apply(
                                        new Content(
                                                carried.bodyWith(part.body()),
                                                plan == null ? List.of() : plan.linkedUrls(),
                                                carried.files(),
                                                part.createdAt()))
                                .run();
                        carried.failed()
                                .forEach(
                                        failed ->
                                                log.warn(
                                                        "Warning: conversation {}, message {}: {}"
                                                                + " not carried ({}); sent as a"
                                                                + " link in its body",
                                                        sourceId,
                                                        failedKey,
                                                        failed.name(),
                                                        failed.reason()));
                    }
                    return true;
                },
                () -> {
                    // The in-doubt window counts from when the answer was lost, the latest the part
                    // can have been sent.
                    long lostAt = clock.millis();
                    ledger.partSending(workspace, sourceId, part.key(), part.createdAt(), lostAt);
                    return partInIntercom(intercomId, part, author, lostAt)
                            ? Optional.of(true)
                            : Optional.empty();
                });
    }

    /**
     * The opening message's files to carry, in a note by {@code actorAdminId} (the default admin,
     * else the token's owner: who closes, tags and assigns) at the opening's time, right after the
     * create; sent once, like a reply. Returns whether it was sent now.
     */
    private boolean sendOpeningFiles(
            String sourceId,
            String intercomId,
            PlannedPart opening,
            Plan openingPlan,
            PartEntry pending) {
        if (pending != null && pending.sent()) {
            return false;
        }
        PlannedPart note = openingFilesNote(opening);
        String author = admins.actorAdminId();
        if (pending != null && partInIntercom(intercomId, note, author, pending.attemptedAt())) {
            ledger.partSent(workspace, sourceId, OPENING_FILES_KEY, runId);
            return false;
        }
        if (openingPlan.toCarry().isEmpty()) {
            if (pending != null) {
                ledger.forgetPart(workspace, sourceId, OPENING_FILES_KEY); // nothing to carry now
            }
            return false;
        }
        sendPart(
                "sending the opening's files of conversation " + sourceId,
                sourceId,
                intercomId,
                note,
                opening.key(),
                author,
                new Plan(List.of(), openingPlan.toCarry()),
                content -> () -> api.replyAsAdmin(intercomId, author, true, content));
        ledger.partSent(workspace, sourceId, OPENING_FILES_KEY, runId);
        return true;
    }

    /** The opening's note as a part: an admin's note at the opening's time. */
    private static PlannedPart openingFilesNote(PlannedPart opening) {
        return new PlannedPart(
                OPENING_FILES_KEY,
                PlannedPart.Author.AGENT,
                null,
                null,
                true,
                OPENING_FILES_HEADING,
                opening.createdAt(),
                List.of());
    }

    private boolean partInIntercom(
            String intercomId, PlannedPart part, String author, long attemptedAt) {
        return inDoubt.search(
                        attemptedAt,
                        // Same kind, same author, same time, same text.
                        () ->
                                lookups.conversation(intercomId).hasPart(part, author)
                                        ? Optional.of(true)
                                        : Optional.<Boolean>empty())
                .isPresent();
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
        return lookups.conversation(intercomId).closed();
    }
}
