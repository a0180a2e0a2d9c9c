package dev.migrator.ledger;

import com.carrotsearch.hppc.LongHashSet;
import com.carrotsearch.hppc.LongIntHashMap;
import com.carrotsearch.hppc.LongLongHashMap;
import dev.migrator.intercom.DryRunTransport;
import dev.migrator.intercom.IntercomApi.AssigneeKind;
import dev.migrator.intercom.IntercomApi.ConversationUpdate;
import dev.migrator.ledger.Ledger.ConversationEntry;
import dev.migrator.ledger.Ledger.ConversationState;
import dev.migrator.ledger.Ledger.PartEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.codec.digest.MurmurHash3;
import org.springframework.dao.DuplicateKeyException;

/**
 * One dry run's bookkeeping, in memory: what it has sent so far, so that a conversation seen in an
 * earlier record gets replies rather than a second create, a contact is created once, and a part is
 * sent once, exactly as the {@link Ledger} would have it. Nothing of it is written anywhere: a dry
 * run that stops before its end starts over.
 *
 * <p>Compact enough for millions of conversations in a small heap: keys (source ids, contact keys,
 * part keys) are kept as 64-bit hashes in primitive open-addressing tables, and Intercom ids as the
 * numbers of {@link DryRunTransport}'s placeholders. So an entry carries no opening key and no
 * creation time (delivery reads neither): the opening is kept as one of the conversation's sent
 * parts, which is what delivery needs of it (every part but the sent ones is a reply). Companies
 * and attachments are hashes too (a company's placeholder is made of its id); the admins and teams
 * assigned, few whatever the number of conversations, are numbered once and kept per row by number.
 * What an update set is not kept: only {@code verify} reads it.
 *
 * <p>Its Intercom is {@link DryRunTransport}, an empty workspace where search finds nothing: no
 * conversation is ever adopted, so {@link #holderOf} and {@link #conversationAdopted} are refused.
 * The workspace arguments are this dry run's own: they are not kept.
 */
public final class DryRunLedger implements DeliveryLedger {

    private static final int STATE_BITS = 0b11;
    private static final int CLOSED = 1 << 2;
    private static final int TAGGED = 1 << 3;
    private static final int UPDATED = 1 << 4;
    private static final ConversationState[] STATES = ConversationState.values();

    /** Source id hash to its conversation's row in the columns below. */
    private final LongIntHashMap rows = new LongIntHashMap();

    private int rowCount;

    /** The last conversation looked up, and its row: delivery asks about one at a time. */
    private String lastSourceId;

    private int lastRow;

    /** Per row: the state's ordinal + 1 in the low bits (0: forgotten), then the flags above. */
    private byte[] flags = new byte[1024];

    /** Per row: placeholder numbers (0: none yet) and the create's time while it is in doubt. */
    private long[] intercomIds = new long[1024];

    private long[] contactIds = new long[1024];
    private long[] attemptedAt = new long[1024];

    /**
     * Per row: the first 64 bits of the conversation update's SHA-256 (see {@link
     * ConversationEntry#updateApplied}); made by the first update.
     */
    private long[] updateShas;

    /** Sent parts, as hashes of (row, part key): a forgotten conversation's are left behind. */
    private final LongHashSet sent = new LongHashSet();

    /** Parts being sent, with the time of the attempt. */
    private final LongLongHashMap sending = new LongLongHashMap();

    /** Contact key hash to the contact's placeholder number. */
    private final LongLongHashMap contacts = new LongLongHashMap();

    /** Hashes of the company ids saved: a company's placeholder is made of its id. */
    private final LongHashSet companies = new LongHashSet();

    /** Hashes of (contact id, company id) attached. */
    private final LongHashSet attachments = new LongHashSet();

    /**
     * The assignee ids met, numbered from 1: admins and teams are few, whatever the number of
     * conversations, so each row keeps a number.
     */
    private final Map<String, Integer> assigneeNumbers = new HashMap<>();

    private final List<String> assignees = new ArrayList<>();

    /** Per row: the numbers of the admin and the team last assigned (0: none); made when needed. */
    private int[] adminAssignees;

    private int[] teamAssignees;

    private long repliesSent;

    @Override
    public synchronized Optional<String> contactId(String workspace, String contactKey) {
        int slot = contacts.indexOf(hash(contactKey));
        return contacts.indexExists(slot)
                ? Optional.of(contactPlaceholder(contacts.indexGet(slot)))
                : Optional.empty();
    }

    @Override
    public synchronized String saveContact(
            String workspace, String contactKey, String intercomId, Long createdInRun) {
        long key = hash(contactKey);
        if (!contacts.containsKey(key)) {
            contacts.put(
                    key, DryRunTransport.placeholderNumber(DryRunTransport.CONTACT, intercomId));
        }
        return contactPlaceholder(contacts.get(key));
    }

    @Override
    public synchronized void forgetContact(String workspace, String intercomId) {
        long number = DryRunTransport.placeholderNumber(DryRunTransport.CONTACT, intercomId);
        contacts.removeAll((key, value) -> value == number);
    }

    @Override
    public synchronized Optional<ConversationEntry> conversation(
            String workspace, String sourceId) {
        int row = row(sourceId);
        if (row < 0) {
            return Optional.empty();
        }
        return Optional.of(
                new ConversationEntry(
                        sourceId,
                        state(row),
                        contactPlaceholder(contactIds[row]),
                        null,
                        0,
                        attemptedAt[row],
                        intercomIds[row] == 0
                                ? null
                                : DryRunTransport.placeholder(
                                        DryRunTransport.CONVERSATION, intercomIds[row]),
                        (flags[row] & CLOSED) != 0,
                        (flags[row] & TAGGED) != 0,
                        (flags[row] & UPDATED) != 0 ? updateSha(row) : null,
                        assignee(adminAssignees, row),
                        assignee(teamAssignees, row)));
    }

    @Override
    public Optional<String> holderOf(String workspace, String intercomId) {
        throw nothingIsAdopted();
    }

    @Override
    public synchronized void conversationCreating(
            String workspace,
            String sourceId,
            String contactId,
            String openingKey,
            long createdAt,
            long attemptedAt,
            long runId) {
        int row = row(sourceId);
        if (row >= 0 && state(row) != ConversationState.CREATING) {
            throw new DuplicateKeyException("conversation " + sourceId + " is in the ledger");
        }
        if (row < 0) {
            row = newRow(sourceId);
            setState(row, ConversationState.CREATING);
            sent.add(partHash(row, openingKey));
        }
        this.attemptedAt[row] = attemptedAt;
        contactIds[row] = DryRunTransport.placeholderNumber(DryRunTransport.CONTACT, contactId);
    }

    @Override
    public void conversationAdopted(
            String workspace,
            String sourceId,
            String contactId,
            String openingKey,
            long createdAt,
            String intercomId,
            long runId) {
        throw nothingIsAdopted();
    }

    @Override
    public synchronized void conversationCreated(
            String workspace, String sourceId, String intercomId, long runId) {
        int row = row(sourceId);
        if (row >= 0) {
            setState(row, ConversationState.CREATED);
            intercomIds[row] =
                    DryRunTransport.placeholderNumber(DryRunTransport.CONVERSATION, intercomId);
        }
    }

    @Override
    public synchronized void conversationOpenedWith(
            String workspace, String sourceId, String openingKey) {
        int row = row(sourceId);
        if (row >= 0) {
            sent.add(partHash(row, openingKey));
        }
    }

    @Override
    public synchronized Optional<String> companyIntercomId(String workspace, String companyId) {
        return companies.contains(hash(companyId))
                ? Optional.of(DryRunTransport.companyPlaceholder(companyId))
                : Optional.empty();
    }

    @Override
    public synchronized String saveCompany(
            String workspace, String companyId, String intercomId, Long createdInRun) {
        if (!intercomId.equals(DryRunTransport.companyPlaceholder(companyId))) {
            throw new IllegalArgumentException(
                    intercomId + " is not a dry run's placeholder for company " + companyId);
        }
        companies.add(hash(companyId));
        return intercomId;
    }

    @Override
    public synchronized boolean isAttached(
            String workspace, String contactId, String companyIntercomId) {
        return attachments.contains(hash(contactId + '\n' + companyIntercomId));
    }

    @Override
    public synchronized boolean contactAttached(
            String workspace, String contactId, String companyIntercomId) {
        return attachments.add(hash(contactId + '\n' + companyIntercomId));
    }

    /** What the update set is not kept: only {@code verify} reads it, and a dry run has none. */
    @Override
    public synchronized void conversationUpdated(
            String workspace, String sourceId, String updateSha, ConversationUpdate applied) {
        int row = row(sourceId);
        if (row < 0) {
            return;
        }
        if (updateSha.length() != 64) {
            throw new IllegalArgumentException(updateSha + " is not a SHA-256 in hex");
        }
        if (updateShas == null) {
            updateShas = new long[flags.length];
        }
        updateShas[row] = HexFormat.fromHexDigitsToLong(updateSha, 0, 16);
        if (!updateSha.startsWith(updateSha(row))) {
            throw new IllegalArgumentException(updateSha + " is not a SHA-256 in lowercase hex");
        }
        flags[row] |= UPDATED;
    }

    @Override
    public synchronized void conversationAssigned(
            String workspace, String sourceId, AssigneeKind kind, String assigneeId) {
        int row = row(sourceId);
        if (row < 0) {
            return;
        }
        if (adminAssignees == null) {
            adminAssignees = new int[flags.length];
            teamAssignees = new int[flags.length];
        }
        int number =
                assigneeNumbers.computeIfAbsent(
                        assigneeId,
                        id -> {
                            assignees.add(id);
                            return assignees.size();
                        });
        (kind == AssigneeKind.ADMIN ? adminAssignees : teamAssignees)[row] = number;
    }

    @Override
    public synchronized void conversationReopened(String workspace, String sourceId) {
        setFlag(sourceId, CLOSED, false);
    }

    @Override
    public synchronized void conversationClosed(String workspace, String sourceId) {
        setFlag(sourceId, CLOSED, true);
    }

    @Override
    public synchronized void conversationTagged(String workspace, String sourceId) {
        setFlag(sourceId, TAGGED, true);
    }

    /** Every conversation of a dry run is its own run's: the run id adds nothing. */
    @Override
    public synchronized void conversationComplete(String workspace, String sourceId, Long runId) {
        int row = row(sourceId);
        if (row >= 0) {
            setState(row, ConversationState.COMPLETE);
        }
    }

    @Override
    public synchronized void forgetConversation(String workspace, String sourceId) {
        int row = row(sourceId);
        if (row >= 0) {
            rows.remove(hash(sourceId));
            flags[row] = 0;
            lastSourceId = null;
        }
    }

    @Override
    public synchronized void forgetConversationInDoubt(String workspace, String sourceId) {
        int row = row(sourceId);
        if (row >= 0 && state(row) == ConversationState.CREATING) {
            forgetConversation(workspace, sourceId);
        }
    }

    /** A live view: it sees the parts recorded after it was made. */
    @Override
    public synchronized KnownParts knownParts(String workspace, String sourceId) {
        int row = row(sourceId);
        if (row < 0) {
            return key -> null;
        }
        return key -> part(partHash(row, key));
    }

    private synchronized PartEntry part(long part) {
        int slot = sending.indexOf(part);
        if (sending.indexExists(slot)) {
            return new PartEntry(false, sending.indexGet(slot));
        }
        // A sent part's attempt time is not kept: only a pending one's is read.
        return sent.contains(part) ? new PartEntry(true, 0) : null;
    }

    @Override
    public synchronized void partSending(
            String workspace, String sourceId, String partKey, long createdAt, long attemptedAt) {
        long part = partHash(existingRow(sourceId), partKey);
        if (!sent.contains(part)) {
            sending.put(part, attemptedAt);
        }
    }

    @Override
    public synchronized void partSent(
            String workspace, String sourceId, String partKey, long runId) {
        long part = partHash(existingRow(sourceId), partKey);
        int slot = sending.indexOf(part);
        if (sending.indexExists(slot)) {
            sending.indexRemove(slot);
            sent.add(part);
            repliesSent++;
        }
    }

    @Override
    public synchronized void partFound(
            String workspace,
            String sourceId,
            String partKey,
            long createdAt,
            Set<String> plannedKeys) {
        sent.add(partHash(existingRow(sourceId), partKey));
    }

    @Override
    public synchronized void forgetPart(String workspace, String sourceId, String partKey) {
        int row = row(sourceId);
        if (row >= 0) {
            long part = partHash(row, partKey);
            sending.remove(part);
            sent.remove(part);
        }
    }

    /** A dry run downloads nothing: no file ever fails. */
    @Override
    public void attachmentsFailed(
            String workspace,
            String sourceId,
            String partKey,
            long runId,
            List<FailedAttachment> failed) {}

    /** Conversations the dry run finished (all of them are its own). */
    public synchronized long migratedCount() {
        long complete = 0;
        for (int row = 0; row < rowCount; row++) {
            if (state(row) == ConversationState.COMPLETE) {
                complete++;
            }
        }
        return complete;
    }

    /** Parts after the opening one that the dry run sent. */
    public synchronized long repliesSentCount() {
        return repliesSent;
    }

    private int row(String sourceId) {
        if (!sourceId.equals(lastSourceId)) {
            lastRow = rows.getOrDefault(hash(sourceId), -1);
            lastSourceId = sourceId;
        }
        return lastRow;
    }

    private int existingRow(String sourceId) {
        int row = row(sourceId);
        if (row < 0) {
            throw new IllegalStateException("no conversation " + sourceId + " in the dry run");
        }
        return row;
    }

    private int newRow(String sourceId) {
        if (rowCount == flags.length) {
            int capacity = 2 * rowCount;
            flags = Arrays.copyOf(flags, capacity);
            intercomIds = Arrays.copyOf(intercomIds, capacity);
            contactIds = Arrays.copyOf(contactIds, capacity);
            attemptedAt = Arrays.copyOf(attemptedAt, capacity);
            if (updateShas != null) {
                updateShas = Arrays.copyOf(updateShas, capacity);
            }
            if (adminAssignees != null) {
                adminAssignees = Arrays.copyOf(adminAssignees, capacity);
                teamAssignees = Arrays.copyOf(teamAssignees, capacity);
            }
        }
        rows.put(hash(sourceId), rowCount);
        lastSourceId = sourceId;
        lastRow = rowCount;
        return rowCount++;
    }

    /** Only a forgotten row has no state, and no source id leads to it any more. */
    private ConversationState state(int row) {
        int state = flags[row] & STATE_BITS;
        return state == 0 ? null : STATES[state - 1];
    }

    private void setState(int row, ConversationState state) {
        flags[row] = (byte) ((flags[row] & ~STATE_BITS) | (state.ordinal() + 1));
    }

    private void setFlag(String sourceId, int flag, boolean on) {
        int row = row(sourceId);
        if (row >= 0) {
            flags[row] = (byte) (on ? flags[row] | flag : flags[row] & ~flag);
        }
    }

    /** The first 16 hex digits of the SHA-256 of the row's last update. */
    private String updateSha(int row) {
        return HexFormat.of().toHexDigits(updateShas[row]);
    }

    private String assignee(int[] numbers, int row) {
        return numbers == null || numbers[row] == 0 ? null : assignees.get(numbers[row] - 1);
    }

    private static String contactPlaceholder(long number) {
        return DryRunTransport.placeholder(DryRunTransport.CONTACT, number);
    }

    private static UnsupportedOperationException nothingIsAdopted() {
        return new UnsupportedOperationException(
                "a dry run's Intercom is empty: it has nothing to adopt");
    }

    /** 64 bits of MurmurHash3: of 5 million keys, two collide in about one run in a million. */
    private static long hash(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        return MurmurHash3.hash128x64(bytes, 0, bytes.length, 0)[0];
    }

    /** A part's key within its conversation's row: a row's parts are its own, whatever its id. */
    private static long partHash(int row, String partKey) {
        byte[] bytes = partKey.getBytes(StandardCharsets.UTF_8);
        return MurmurHash3.hash128x64(bytes, 0, bytes.length, row + 1)[0];
    }
}
