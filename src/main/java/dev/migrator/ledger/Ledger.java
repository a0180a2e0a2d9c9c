package dev.migrator.ledger;

import dev.migrator.intercom.IntercomApi.AssigneeKind;
import dev.migrator.intercom.IntercomApi.ConversationUpdate;
import dev.migrator.mapping.MappedRecord.Planned;
import dev.migrator.mapping.PlannedConversation;
import dev.migrator.source.SourceRecord.RecordOrigin;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Per workspace and source id, what has been sent to Intercom. The intent is recorded before each
 * create and the Intercom id after it, each in its own transaction, so that a crash anywhere leaves
 * a state that says exactly what to check and what to send. Rejects, by contrast, are written in
 * the chunk's transaction: they commit with the chunk.
 */
public class Ledger implements DeliveryLedger {

    private final JdbcTemplate jdbc;
    private final JsonMapper mapper;

    /** Null for the ledger itself; a run's view is fenced with the run's lease. */
    private final Fence fence;

    public Ledger(JdbcTemplate jdbc, JsonMapper mapper) {
        this(jdbc, mapper, null);
    }

    private Ledger(JdbcTemplate jdbc, JsonMapper mapper, Fence fence) {
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.fence = fence;
    }

    /**
     * The view of the ledger a run's owner sends with: its intents ({@link #conversationCreating},
     * {@link #partSending}) and the Intercom ids it records ({@link #conversationCreated}, which
     * must never move back a conversation the run's new owner has finished) take effect only while
     * {@code fence} holds, checked in the same statement; otherwise they throw {@link
     * Fence#refused()}. Everything else is the ledger's own.
     */
    public Ledger fencedBy(Fence fence) {
        return new Ledger(jdbc, mapper, fence);
    }

    public enum ConversationState {
        CREATING,
        CREATED,
        COMPLETE
    }

    /**
     * What the ledger knows of a conversation. {@code updateSha} is the SHA-256 (hex) of the update
     * last applied, or, in a dry run's ledger, its first 16 hex digits: see {@link #updateApplied}.
     */
    public record ConversationEntry(
            String sourceId,
            ConversationState state,
            String contactId,
            String openingKey,
            long createdAt,
            long attemptedAt,
            String intercomId,
            boolean closed,
            boolean tagged,
            String updateSha,
            String adminAssigneeId,
            String teamAssigneeId) {

        /**
         * Whether the update of SHA-256 {@code sha} is the one last applied. A dry run keeps only
         * the SHA's first 64 bits (8 bytes a conversation rather than 32: a million of them fit in
         * its small heap), which tells one run's updates apart as well.
         */
        public boolean updateApplied(String sha) {
            return updateSha != null && sha.startsWith(updateSha);
        }
    }

    public record Reject(String file, long line, String sourceId, String reason, String record) {}

    public Optional<String> contactId(String workspace, String contactKey) {
        return jdbc
                .query(
                        "SELECT INTERCOM_ID FROM MIGRATOR_CONTACT WHERE WORKSPACE = ? AND"
                                + " CONTACT_KEY = ?",
                        (rs, i) -> rs.getString(1),
                        workspace,
                        contactKey)
                .stream()
                .findFirst();
    }

    /**
     * Saves the contact's Intercom id under {@code contactKey} unless the key already has one, then
     * reads it back: the id the ledger holds, which every worker uses from then on. When two
     * workers resolve the same contact at once, the first to save wins and the other takes its id.
     *
     * @param createdInRun the run whose own POST created the contact, or {@code null} when it was
     *     found (only a contact the migrator created is ever undone)
     */
    @Override
    public String saveContact(
            String workspace, String contactKey, String intercomId, Long createdInRun) {
        try {
            jdbc.update(
                    "INSERT INTO MIGRATOR_CONTACT (WORKSPACE, CONTACT_KEY, INTERCOM_ID,"
                            + " CREATED_RUN_ID) VALUES (?, ?, ?, ?)",
                    workspace,
                    contactKey,
                    intercomId,
                    createdInRun);
        } catch (DuplicateKeyException e) {
            // Another worker saved this key first: its id is the one to keep. If it is this same
            // contact, found by that worker's search or 409 while this one created it, it is ours.
            if (createdInRun != null) {
                jdbc.update(
                        "UPDATE MIGRATOR_CONTACT SET CREATED_RUN_ID = ? WHERE WORKSPACE = ? AND"
                                + " CONTACT_KEY = ? AND INTERCOM_ID = ? AND CREATED_RUN_ID IS NULL",
                        createdInRun,
                        workspace,
                        contactKey,
                        intercomId);
            }
        }
        return contactId(workspace, contactKey)
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        "contact " + contactKey + " vanished from the ledger"));
    }

    public Optional<ConversationEntry> conversation(String workspace, String sourceId) {
        return jdbc
                .query(
                        """
                        SELECT SOURCE_ID, STATE, CONTACT_ID, OPENING_KEY, CREATED_AT, ATTEMPTED_AT, INTERCOM_ID, CLOSED,
                               TAGGED, UPDATE_SHA, ADMIN_ASSIGNEE_ID, TEAM_ASSIGNEE_ID
                        FROM MIGRATOR_CONVERSATION WHERE WORKSPACE = ? AND SOURCE_ID = ?\
                        """,
                        (rs, i) ->
                                new ConversationEntry(
                                        rs.getString(1),
                                        ConversationState.valueOf(rs.getString(2)),
                                        rs.getString(3),
                                        rs.getString(4),
                                        rs.getLong(5),
                                        rs.getLong(6),
                                        rs.getString(7),
                                        rs.getBoolean(8),
                                        rs.getBoolean(9),
                                        rs.getString(10),
                                        rs.getString(11),
                                        rs.getString(12)),
                        workspace,
                        sourceId)
                .stream()
                .findFirst();
    }

    /**
     * Records the intent to create the conversation, just before the create is sent, and the run
     * that first meant to create it (what {@code undo} deletes).
     */
    public void conversationCreating(
            String workspace,
            String sourceId,
            String contactId,
            String openingKey,
            long createdAt,
            long attemptedAt,
            long runId) {
        int updated =
                updateFenced(
                        """
                        UPDATE MIGRATOR_CONVERSATION SET ATTEMPTED_AT = ?, CONTACT_ID = ?, RUN_ID = ?,
                            CREATED_RUN_ID = COALESCE(CREATED_RUN_ID, ?)
                        WHERE WORKSPACE = ? AND SOURCE_ID = ? AND STATE = 'CREATING'\
                        """,
                        attemptedAt,
                        contactId,
                        runId,
                        runId,
                        workspace,
                        sourceId);
        if (updated == 0) {
            insertFenced(
                    "MIGRATOR_CONVERSATION (WORKSPACE, SOURCE_ID, STATE, CONTACT_ID, OPENING_KEY,"
                            + " CREATED_AT, ATTEMPTED_AT, RUN_ID, CREATED_RUN_ID)",
                    "?, ?, 'CREATING', ?, ?, ?, ?, ?, ?",
                    workspace,
                    sourceId,
                    contactId,
                    openingKey,
                    createdAt,
                    attemptedAt,
                    runId,
                    runId);
        }
    }

    /**
     * Records a conversation found in Intercom, never created by this ledger, as this source
     * conversation's (adopted, {@code --adopt-existing}): one statement, so that nothing is half
     * recorded.
     *
     * @throws DuplicateKeyException when another source conversation already holds that id
     */
    public void conversationAdopted(
            String workspace,
            String sourceId,
            String contactId,
            String openingKey,
            long createdAt,
            String intercomId,
            long runId) {
        jdbc.update(
                """
                INSERT INTO MIGRATOR_CONVERSATION
                (WORKSPACE, SOURCE_ID, STATE, CONTACT_ID, OPENING_KEY, CREATED_AT, ATTEMPTED_AT, INTERCOM_ID, RUN_ID)
                VALUES (?, ?, 'CREATED', ?, ?, ?, 0, ?, ?)\
                """,
                workspace,
                sourceId,
                contactId,
                openingKey,
                createdAt,
                intercomId,
                runId);
    }

    /**
     * The conversation's opening message, found in Intercom under another key than the one it was
     * created with (the key of a message without an id changed): that key is the opening's now.
     */
    public void conversationOpenedWith(String workspace, String sourceId, String openingKey) {
        jdbc.update(
                "UPDATE MIGRATOR_CONVERSATION SET OPENING_KEY = ? WHERE WORKSPACE = ? AND SOURCE_ID"
                        + " = ?",
                openingKey,
                workspace,
                sourceId);
    }

    /**
     * The conversation update whose SHA-256 is {@code updateSha} is applied in Intercom: {@code
     * applied}'s title and attributes are kept, for {@code verify}.
     */
    public void conversationUpdated(
            String workspace, String sourceId, String updateSha, ConversationUpdate applied) {
        jdbc.update(
                """
                UPDATE MIGRATOR_CONVERSATION SET UPDATE_SHA = ?, UPDATE_TITLE = ?, UPDATE_ATTRIBUTES = ?
                WHERE WORKSPACE = ? AND SOURCE_ID = ?\
                """,
                updateSha,
                applied.title(),
                mapper.writeValueAsString(applied.customAttributes()),
                workspace,
                sourceId);
    }

    /** The conversation is assigned in Intercom to the admin or team {@code assigneeId}. */
    public void conversationAssigned(
            String workspace, String sourceId, AssigneeKind kind, String assigneeId) {
        String column =
                switch (kind) {
                    case ADMIN -> "ADMIN_ASSIGNEE_ID";
                    case TEAM -> "TEAM_ASSIGNEE_ID";
                };
        jdbc.update(
                "UPDATE MIGRATOR_CONVERSATION SET "
                        + column
                        + " = ? WHERE WORKSPACE = ? AND SOURCE_ID = ?",
                assigneeId,
                workspace,
                sourceId);
    }

    /** The Intercom id of the company with the export's {@code companyId}, once known. */
    public Optional<String> companyIntercomId(String workspace, String companyId) {
        return jdbc
                .query(
                        "SELECT INTERCOM_ID FROM MIGRATOR_COMPANY WHERE WORKSPACE = ? AND"
                                + " COMPANY_ID = ?",
                        (rs, i) -> rs.getString(1),
                        workspace,
                        companyId)
                .stream()
                .findFirst();
    }

    /**
     * Saves the company's Intercom id unless it already has one, then reads it back, as {@link
     * #saveContact} does for contacts.
     *
     * @param createdInRun the run that created the company, or {@code null} when it existed
     */
    @Override
    public String saveCompany(
            String workspace, String companyId, String intercomId, Long createdInRun) {
        try {
            jdbc.update(
                    "INSERT INTO MIGRATOR_COMPANY (WORKSPACE, COMPANY_ID, INTERCOM_ID,"
                            + " CREATED_RUN_ID) VALUES (?, ?, ?, ?)",
                    workspace,
                    companyId,
                    intercomId,
                    createdInRun);
        } catch (DuplicateKeyException e) {
            // Another worker saved it first: the same company (upserted by company_id).
            if (createdInRun != null) {
                jdbc.update(
                        "UPDATE MIGRATOR_COMPANY SET CREATED_RUN_ID = ? WHERE WORKSPACE = ? AND"
                                + " COMPANY_ID = ? AND INTERCOM_ID = ? AND CREATED_RUN_ID IS NULL",
                        createdInRun,
                        workspace,
                        companyId,
                        intercomId);
            }
        }
        return companyIntercomId(workspace, companyId)
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        "company " + companyId + " vanished from the ledger"));
    }

    /** Whether the contact is attached to the company (both Intercom ids). */
    public boolean isAttached(String workspace, String contactId, String companyIntercomId) {
        return count(
                        """
                        SELECT COUNT(*) FROM MIGRATOR_COMPANY_CONTACT
                        WHERE WORKSPACE = ? AND CONTACT_ID = ? AND COMPANY_INTERCOM_ID = ?\
                        """,
                        workspace,
                        contactId,
                        companyIntercomId)
                > 0;
    }

    /**
     * The contact is attached to the company in Intercom; false when the ledger knew it already
     * (two conversations of one contact attached it at once).
     */
    @Override
    public boolean contactAttached(String workspace, String contactId, String companyIntercomId) {
        try {
            jdbc.update(
                    """
                    INSERT INTO MIGRATOR_COMPANY_CONTACT (WORKSPACE, CONTACT_ID, COMPANY_INTERCOM_ID)
                    VALUES (?, ?, ?)\
                    """,
                    workspace,
                    contactId,
                    companyIntercomId);
            return true;
        } catch (DuplicateKeyException e) {
            // Another worker attached it too: attaching is idempotent, the row is there.
            return false;
        }
    }

    /**
     * Whether the ledger knows any conversation of the workspace: when it knows none, the workspace
     * may still hold conversations an earlier migration made with another ledger.
     */
    public boolean knowsConversationsOf(String workspace) {
        return count(
                        "SELECT CASE WHEN EXISTS (SELECT 1 FROM MIGRATOR_CONVERSATION WHERE"
                                + " WORKSPACE = ?) THEN 1 ELSE 0 END",
                        workspace)
                > 0;
    }

    /**
     * What the ledger says a workspace holds for one migrated conversation.
     *
     * @param title the title its last update set, or {@code null} when none set one
     * @param attributes the custom attributes its last update set, by name (an empty object when
     *     none was applied)
     * @param adminAssigneeId the admin it was last assigned to, or {@code null}
     * @param teamAssigneeId the team it was last assigned to, or {@code null}
     */
    public record MigratedConversation(
            String sourceId,
            String intercomId,
            long createdAt,
            boolean closed,
            List<Long> partTimes,
            String title,
            JsonNode attributes,
            String adminAssigneeId,
            String teamAssigneeId) {}

    /** Rows fetched at a time when streaming the ledger: bounded memory whatever its size. */
    private static final int FETCH_SIZE = 1_000;

    /**
     * Every conversation created in the workspace, with the times of the parts sent to it, in one
     * streamed query. PostgreSQL's driver reads a whole result into memory unless the statement has
     * a fetch size and runs outside auto-commit: both are set here, for this read only.
     */
    public void forEachMigrated(String workspace, Consumer<MigratedConversation> consumer) {
        jdbc.execute(
                (ConnectionCallback<Void>)
                        connection -> {
                            boolean autoCommit = connection.getAutoCommit();
                            connection.setAutoCommit(false);
                            try (PreparedStatement query =
                                    connection.prepareStatement(
                                            """
                                            SELECT c.SOURCE_ID, c.INTERCOM_ID, c.CREATED_AT, c.CLOSED, p.CREATED_AT,
                                                   c.UPDATE_TITLE, c.UPDATE_ATTRIBUTES, c.ADMIN_ASSIGNEE_ID,
                                                   c.TEAM_ASSIGNEE_ID
                                            FROM MIGRATOR_CONVERSATION c
                                            LEFT JOIN MIGRATOR_PART p ON p.WORKSPACE = c.WORKSPACE
                                                AND p.SOURCE_ID = c.SOURCE_ID AND p.STATE = 'SENT'
                                            WHERE c.WORKSPACE = ? AND c.STATE IN ('CREATED', 'COMPLETE')
                                            ORDER BY c.SOURCE_ID, p.CREATED_AT\
                                            """)) {
                                query.setFetchSize(FETCH_SIZE);
                                query.setString(1, workspace);
                                try (ResultSet rs = query.executeQuery()) {
                                    streamMigrated(rs, consumer);
                                }
                            } finally {
                                connection.rollback(); // read only: nothing to keep
                                connection.setAutoCommit(autoCommit);
                            }
                            return null;
                        });
    }

    /** Groups the joined rows, ordered by source id, into one conversation each. */
    private void streamMigrated(ResultSet rs, Consumer<MigratedConversation> consumer)
            throws SQLException {
        MigratedConversation current = null;
        List<Long> partTimes = new ArrayList<>();
        while (rs.next()) {
            String sourceId = rs.getString(1);
            if (current == null || !current.sourceId().equals(sourceId)) {
                if (current != null) {
                    consumer.accept(current);
                }
                partTimes = new ArrayList<>();
                current =
                        new MigratedConversation(
                                sourceId,
                                rs.getString(2),
                                rs.getLong(3),
                                rs.getBoolean(4),
                                Collections.unmodifiableList(partTimes),
                                rs.getString(6),
                                rs.getString(7) == null
                                        ? mapper.createObjectNode()
                                        : mapper.readTree(rs.getString(7)),
                                rs.getString(8),
                                rs.getString(9));
            }
            long partTime = rs.getLong(5);
            if (!rs.wasNull()) {
                partTimes.add(partTime);
            }
        }
        if (current != null) {
            consumer.accept(current);
        }
    }

    /** The source conversation that holds this Intercom conversation, if any. */
    public Optional<String> holderOf(String workspace, String intercomId) {
        return jdbc
                .query(
                        "SELECT SOURCE_ID FROM MIGRATOR_CONVERSATION WHERE WORKSPACE = ? AND"
                                + " INTERCOM_ID = ?",
                        (rs, i) -> rs.getString(1),
                        workspace,
                        intercomId)
                .stream()
                .findFirst();
    }

    /**
     * An admin deleted the contact in Intercom: every key that led to it is forgotten, so that the
     * contact is looked for, or created, again.
     */
    public void forgetContact(String workspace, String intercomId) {
        jdbc.update(
                "DELETE FROM MIGRATOR_CONTACT WHERE WORKSPACE = ? AND INTERCOM_ID = ?",
                workspace,
                intercomId);
    }

    /**
     * An admin deleted the conversation in Intercom: the ledger forgets it and its parts, so that
     * it is created again, whole.
     */
    public void forgetConversation(String workspace, String sourceId) {
        jdbc.update(
                "DELETE FROM MIGRATOR_PART WHERE WORKSPACE = ? AND SOURCE_ID = ?",
                workspace,
                sourceId);
        jdbc.update(
                "DELETE FROM MIGRATOR_CONVERSATION WHERE WORKSPACE = ? AND SOURCE_ID = ?",
                workspace,
                sourceId);
    }

    /** A create Intercom refused (4xx) certainly did not happen: nothing is in doubt any more. */
    public void forgetConversationInDoubt(String workspace, String sourceId) {
        jdbc.update(
                "DELETE FROM MIGRATOR_CONVERSATION WHERE WORKSPACE = ? AND SOURCE_ID = ? AND STATE"
                        + " = 'CREATING'",
                workspace,
                sourceId);
    }

    public void conversationReopened(String workspace, String sourceId) {
        jdbc.update(
                "UPDATE MIGRATOR_CONVERSATION SET CLOSED = FALSE WHERE WORKSPACE = ? AND SOURCE_ID"
                        + " = ?",
                workspace,
                sourceId);
    }

    /**
     * Records the conversation's Intercom id.
     *
     * @throws DuplicateKeyException when another source conversation already holds that id: the
     *     unique index on (WORKSPACE, INTERCOM_ID) gives each Intercom conversation to one source
     *     conversation only
     */
    public void conversationCreated(
            String workspace, String sourceId, String intercomId, long runId) {
        int updated =
                updateFenced(
                        """
                        UPDATE MIGRATOR_CONVERSATION SET STATE = 'CREATED', INTERCOM_ID = ?, RUN_ID = ?
                        WHERE WORKSPACE = ? AND SOURCE_ID = ?\
                        """,
                        intercomId,
                        runId,
                        workspace,
                        sourceId);
        if (updated == 0 && fence != null) {
            throw fence.refused(); // its intent, written before the create, holds the row
        }
    }

    public void conversationClosed(String workspace, String sourceId) {
        jdbc.update(
                "UPDATE MIGRATOR_CONVERSATION SET CLOSED = TRUE WHERE WORKSPACE = ? AND SOURCE_ID ="
                        + " ?",
                workspace,
                sourceId);
    }

    public void conversationTagged(String workspace, String sourceId) {
        jdbc.update(
                "UPDATE MIGRATOR_CONVERSATION SET TAGGED = TRUE WHERE WORKSPACE = ? AND SOURCE_ID ="
                        + " ?",
                workspace,
                sourceId);
    }

    /**
     * Marks the conversation complete, and as migrated by this run when the run sent anything for
     * it.
     */
    public void conversationComplete(String workspace, String sourceId, Long runId) {
        jdbc.update(
                """
                UPDATE MIGRATOR_CONVERSATION SET STATE = 'COMPLETE', RUN_ID = COALESCE(?, RUN_ID)
                WHERE WORKSPACE = ? AND SOURCE_ID = ?\
                """,
                runId,
                workspace,
                sourceId);
    }

    /** Part keys of the conversation with their state: SENDING or SENT. */
    public Map<String, PartEntry> parts(String workspace, String sourceId) {
        Map<String, PartEntry> parts = new HashMap<>();
        jdbc.query(
                "SELECT PART_KEY, STATE, ATTEMPTED_AT FROM MIGRATOR_PART WHERE WORKSPACE = ? AND"
                        + " SOURCE_ID = ?",
                rs -> {
                    parts.put(
                            rs.getString(1),
                            new PartEntry(rs.getString(2).equals("SENT"), rs.getLong(3)));
                },
                workspace,
                sourceId);
        return parts;
    }

    @Override
    public KnownParts knownParts(String workspace, String sourceId) {
        return parts(workspace, sourceId)::get;
    }

    public record PartEntry(boolean sent, long attemptedAt) {}

    public void partSending(
            String workspace, String sourceId, String partKey, long createdAt, long attemptedAt) {
        int updated =
                updateFenced(
                        """
                        UPDATE MIGRATOR_PART SET ATTEMPTED_AT = ?
                        WHERE WORKSPACE = ? AND SOURCE_ID = ? AND PART_KEY = ?\
                        """,
                        attemptedAt,
                        workspace,
                        sourceId,
                        partKey);
        if (updated == 0) {
            insertFenced(
                    "MIGRATOR_PART (WORKSPACE, SOURCE_ID, PART_KEY, STATE, CREATED_AT,"
                            + " ATTEMPTED_AT)",
                    "?, ?, ?, 'SENDING', ?, ?",
                    workspace,
                    sourceId,
                    partKey,
                    createdAt,
                    attemptedAt);
        }
    }

    /**
     * An UPDATE whose WHERE clause ends the statement, taking effect only while the fence holds.
     */
    private int updateFenced(String update, Object... args) {
        if (fence == null) {
            return jdbc.update(update, args);
        }
        return jdbc.update(
                update + " AND EXISTS (SELECT 1 FROM MIGRATOR_LEASE WHERE " + Fence.HELD + ")",
                withFence(args));
    }

    /**
     * Inserts one row, or throws {@link Fence#refused()} when the fence does not hold. Fenced, the
     * values are selected from the held lease's row: none when it is not held.
     */
    private void insertFenced(String tableAndColumns, String values, Object... args) {
        if (fence == null) {
            jdbc.update("INSERT INTO " + tableAndColumns + " VALUES (" + values + ")", args);
            return;
        }
        int inserted =
                jdbc.update(
                        "INSERT INTO "
                                + tableAndColumns
                                + " SELECT "
                                + values
                                + " FROM MIGRATOR_LEASE WHERE "
                                + Fence.HELD,
                        withFence(args));
        if (inserted == 0) {
            throw fence.refused();
        }
    }

    private Object[] withFence(Object[] args) {
        Object[] all = Arrays.copyOf(args, args.length + 3);
        all[args.length] = fence.runKey();
        all[args.length + 1] = fence.ownerToken();
        all[args.length + 2] = fence.durationMillis();
        return all;
    }

    public void partSent(String workspace, String sourceId, String partKey, long runId) {
        jdbc.update(
                """
                UPDATE MIGRATOR_PART SET STATE = 'SENT', RUN_ID = ?
                WHERE WORKSPACE = ? AND SOURCE_ID = ? AND PART_KEY = ?\
                """,
                runId,
                workspace,
                sourceId,
                partKey);
    }

    /**
     * A part the ledger did not know, found already in the conversation in Intercom: sent, by no
     * run of this ledger. When the ledger holds a sent part of the same time under a key the record
     * no longer has ({@code plannedKeys}), it is that message under its old key (the key of a
     * message without an id changed): it is re-keyed, so that one part in Intercom stays one entry.
     * Else (sent under another ledger) it is recorded anew.
     */
    public void partFound(
            String workspace,
            String sourceId,
            String partKey,
            long createdAt,
            Set<String> plannedKeys) {
        Optional<String> oldKey =
                jdbc
                        .queryForList(
                                """
                                SELECT PART_KEY FROM MIGRATOR_PART
                                WHERE WORKSPACE = ? AND SOURCE_ID = ? AND STATE = 'SENT' AND CREATED_AT = ?
                                ORDER BY PART_KEY\
                                """,
                                String.class,
                                workspace,
                                sourceId,
                                createdAt)
                        .stream()
                        .filter(key -> !plannedKeys.contains(key))
                        .findFirst();
        if (oldKey.isPresent()) {
            jdbc.update(
                    "UPDATE MIGRATOR_PART SET PART_KEY = ? WHERE WORKSPACE = ? AND SOURCE_ID = ?"
                            + " AND PART_KEY = ?",
                    partKey,
                    workspace,
                    sourceId,
                    oldKey.get());
            return;
        }
        jdbc.update(
                """
                INSERT INTO MIGRATOR_PART (WORKSPACE, SOURCE_ID, PART_KEY, STATE, CREATED_AT, ATTEMPTED_AT)
                VALUES (?, ?, ?, 'SENT', ?, 0)\
                """,
                workspace,
                sourceId,
                partKey,
                createdAt);
    }

    /** Drops a part's entry: a close once the conversation is known closed. */
    public void forgetPart(String workspace, String sourceId, String partKey) {
        jdbc.update(
                "DELETE FROM MIGRATOR_PART WHERE WORKSPACE = ? AND SOURCE_ID = ? AND PART_KEY = ?",
                workspace,
                sourceId,
                partKey);
    }

    @Override
    public void attachmentsFailed(
            String workspace,
            String sourceId,
            String partKey,
            long runId,
            List<FailedAttachment> failed) {
        jdbc.update(
                "DELETE FROM MIGRATOR_ATTACHMENT_FAILED WHERE WORKSPACE = ? AND SOURCE_ID = ? AND"
                        + " PART_KEY = ?",
                workspace,
                sourceId,
                partKey);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < failed.size(); i++) {
            FailedAttachment f = failed.get(i);
            rows.add(
                    new Object[] {
                        workspace, sourceId, partKey, i, runId, f.url(), f.name(), f.reason()
                    });
        }
        jdbc.batchUpdate(
                """
                INSERT INTO MIGRATOR_ATTACHMENT_FAILED
                    (WORKSPACE, SOURCE_ID, PART_KEY, SEQ, RUN_ID, URL, NAME, REASON)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)\
                """,
                rows);
    }

    /** A file a part of the run could not carry, with the part's source id and key. */
    public record AttachmentFailure(
            String sourceId, String partKey, String url, String name, String reason) {}

    /** The files the run's parts could not carry, by source id and part. */
    public void forEachAttachmentFailure(long runId, Consumer<AttachmentFailure> consumer) {
        jdbc.query(
                """
                SELECT SOURCE_ID, PART_KEY, URL, NAME, REASON FROM MIGRATOR_ATTACHMENT_FAILED
                WHERE RUN_ID = ? ORDER BY SOURCE_ID, PART_KEY, SEQ\
                """,
                rs -> {
                    consumer.accept(
                            new AttachmentFailure(
                                    rs.getString(1),
                                    rs.getString(2),
                                    rs.getString(3),
                                    rs.getString(4),
                                    rs.getString(5)));
                },
                runId);
    }

    public long attachmentFailureCount(long runId) {
        return count("SELECT COUNT(*) FROM MIGRATOR_ATTACHMENT_FAILED WHERE RUN_ID = ?", runId);
    }

    /** Written on the chunk's thread, so in the chunk's transaction: exactly once per record. */
    public void recordRejects(long runId, List<RejectedItem> rejects) {
        if (rejects.isEmpty()) {
            return;
        }
        jdbc.batchUpdate(
                """
                INSERT INTO MIGRATOR_REJECT (RUN_ID, FILE_NAME, LINE_NO, SOURCE_ID, REASON, RECORD)
                VALUES (?, ?, ?, ?, ?, ?)\
                """,
                rejects.stream()
                        .map(
                                r ->
                                        new Object[] {
                                            runId,
                                            r.origin().file(),
                                            r.origin().line(),
                                            r.origin().sourceId(),
                                            r.reason(),
                                            r.origin().record() == null
                                                    ? null
                                                    : mapper.writeValueAsString(r.origin().record())
                                        })
                        .toList());
    }

    public record RejectedItem(RecordOrigin origin, String reason) {}

    /** Where a record is in the run's inputs: its file (as given) and line. */
    public record Place(String file, long line) {
        public static Place of(RecordOrigin origin) {
            return new Place(origin.file(), origin.line());
        }
    }

    /**
     * Records the migrate step deferred, with what finishing them takes (their planned conversation
     * and their origin), in the order they were read; on its chunk's thread, so in the chunk's
     * transaction. A restarted chunk defers its records again: each is kept once.
     */
    public void recordDeferred(long runId, List<Planned> records) {
        forgetDeferred(runId, records.stream().map(r -> Place.of(r.origin())).toList());
        jdbc.batchUpdate(
                """
                INSERT INTO MIGRATOR_DEFERRED (RUN_ID, FILE_NAME, LINE_NO, SOURCE_ID, CONVERSATION, RECORD)
                VALUES (?, ?, ?, ?, ?, ?)\
                """,
                records.stream()
                        .map(
                                r ->
                                        new Object[] {
                                            runId,
                                            r.origin().file(),
                                            r.origin().line(),
                                            r.origin().sourceId(),
                                            mapper.writeValueAsString(r.conversation()),
                                            r.origin().record() == null
                                                    ? null
                                                    : mapper.writeValueAsString(r.origin().record())
                                        })
                        .toList());
    }

    /** Deferred records the settle step has finished. */
    public void forgetDeferred(long runId, List<Place> places) {
        jdbc.batchUpdate(
                "DELETE FROM MIGRATOR_DEFERRED WHERE RUN_ID = ? AND FILE_NAME = ? AND LINE_NO = ?",
                places.stream().map(p -> new Object[] {runId, p.file(), p.line()}).toList());
    }

    /** Whether the settle step has records of the run to finish. */
    public boolean hasDeferred(long runId) {
        return count("SELECT COUNT(*) FROM MIGRATOR_DEFERRED WHERE RUN_ID = ?", runId) > 0;
    }

    /**
     * The records of the run the settle step still has to finish, as the migrate step planned them,
     * in the order they were read.
     */
    public List<Planned> deferred(long runId) {
        return jdbc.query(
                """
                SELECT FILE_NAME, LINE_NO, SOURCE_ID, CONVERSATION, RECORD FROM MIGRATOR_DEFERRED
                WHERE RUN_ID = ? ORDER BY SEQ\
                """,
                (rs, i) ->
                        new Planned(
                                new RecordOrigin(
                                        rs.getString(1),
                                        rs.getLong(2),
                                        rs.getString(3),
                                        rs.getString(5) == null
                                                ? null
                                                : mapper.readTree(rs.getString(5))),
                                mapper.readValue(rs.getString(4), PlannedConversation.class)),
                runId);
    }

    public void forEachReject(long runId, Consumer<Reject> consumer) {
        jdbc.query(
                """
                SELECT FILE_NAME, LINE_NO, SOURCE_ID, REASON, RECORD FROM MIGRATOR_REJECT
                WHERE RUN_ID = ? ORDER BY FILE_NAME, LINE_NO\
                """,
                rs -> {
                    consumer.accept(
                            new Reject(
                                    rs.getString(1),
                                    rs.getLong(2),
                                    rs.getString(3),
                                    rs.getString(4),
                                    rs.getString(5)));
                },
                runId);
    }

    /** A committed chunk's calls and records, at {@code atMillis}; in the chunk's transaction. */
    public void recordProgress(long runId, long atMillis, long calls, long records) {
        jdbc.update(
                "INSERT INTO MIGRATOR_PROGRESS (RUN_ID, AT_MILLIS, CALLS, RECORDS) VALUES (?, ?, ?,"
                        + " ?)",
                runId,
                atMillis,
                calls,
                records);
    }

    public record Progress(long atMillis, long calls, long records) {}

    public List<Progress> progress(long runId) {
        return jdbc.query(
                "SELECT AT_MILLIS, CALLS, RECORDS FROM MIGRATOR_PROGRESS WHERE RUN_ID = ? ORDER BY"
                        + " AT_MILLIS",
                (rs, row) -> new Progress(rs.getLong(1), rs.getLong(2), rs.getLong(3)),
                runId);
    }

    public long rejectCount(long runId) {
        return count("SELECT COUNT(*) FROM MIGRATOR_REJECT WHERE RUN_ID = ?", runId);
    }

    /** Conversations this run sent anything for and finished. */
    public long migratedCount(String workspace, long runId) {
        return count(
                "SELECT COUNT(*) FROM MIGRATOR_CONVERSATION WHERE WORKSPACE = ? AND RUN_ID = ? AND"
                        + " STATE = 'COMPLETE'",
                workspace,
                runId);
    }

    /** Parts after the opening one that this run sent. */
    public long repliesSentCount(String workspace, long runId) {
        return count(
                "SELECT COUNT(*) FROM MIGRATOR_PART WHERE WORKSPACE = ? AND RUN_ID = ? AND STATE ="
                        + " 'SENT'",
                workspace,
                runId);
    }

    /**
     * The runs an undo covers: one run (its job instance id), or every run of the workspace ({@code
     * run} null).
     */
    public record RunScope(Long run) {
        public static RunScope all() {
            return new RunScope(null);
        }

        public static RunScope of(long run) {
            return new RunScope(run);
        }

        /** The condition on a table's CREATED_RUN_ID, with {@link #arguments()} to bind. */
        private String createdBy() {
            return run == null ? "CREATED_RUN_ID IS NOT NULL" : "CREATED_RUN_ID = ?";
        }

        /** The opposite of {@link #createdBy()}, rows of no run (NULL) included. */
        private String notCreatedBy() {
            return run == null
                    ? "CREATED_RUN_ID IS NULL"
                    : "(CREATED_RUN_ID IS NULL OR CREATED_RUN_ID <> ?)";
        }

        private Object[] arguments(Object... before) {
            if (run == null) {
                return before;
            }
            Object[] all = Arrays.copyOf(before, before.length + 1);
            all[before.length] = run;
            return all;
        }
    }

    /** A conversation the migrator created in a run, as undo needs it. */
    public record CreatedConversation(
            String sourceId,
            ConversationState state,
            String intercomId,
            String contactId,
            long createdInRun) {}

    /** A company the migrator created: the export's company id and Intercom's. */
    public record CreatedCompany(String companyId, String intercomId) {}

    /** The conversations the migrator created in {@code scope}, ordered by source id. */
    public List<CreatedConversation> createdConversations(String workspace, RunScope scope) {
        return jdbc.query(
                "SELECT SOURCE_ID, STATE, INTERCOM_ID, CONTACT_ID, CREATED_RUN_ID FROM"
                        + " MIGRATOR_CONVERSATION WHERE WORKSPACE = ? AND "
                        + scope.createdBy()
                        + " ORDER BY SOURCE_ID",
                (rs, i) ->
                        new CreatedConversation(
                                rs.getString(1),
                                ConversationState.valueOf(rs.getString(2)),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getLong(5)),
                scope.arguments(workspace));
    }

    /** The Intercom ids of the contacts the migrator's own creates made in {@code scope}. */
    public List<String> createdContacts(String workspace, RunScope scope) {
        return jdbc.queryForList(
                "SELECT DISTINCT INTERCOM_ID FROM MIGRATOR_CONTACT WHERE WORKSPACE = ? AND "
                        + scope.createdBy()
                        + " ORDER BY INTERCOM_ID",
                String.class,
                scope.arguments(workspace));
    }

    /** The companies the migrator created in {@code scope}. */
    public List<CreatedCompany> createdCompanies(String workspace, RunScope scope) {
        return jdbc.query(
                "SELECT COMPANY_ID, INTERCOM_ID FROM MIGRATOR_COMPANY WHERE WORKSPACE = ? AND "
                        + scope.createdBy()
                        + " ORDER BY COMPANY_ID",
                (rs, i) -> new CreatedCompany(rs.getString(1), rs.getString(2)),
                scope.arguments(workspace));
    }

    /**
     * Whether the ledger holds a conversation of the contact that an undo of {@code scope} does not
     * delete (one of another run, adopted, or of an earlier version).
     */
    public boolean contactKeepsConversations(String workspace, String contactId, RunScope scope) {
        return count(
                        "SELECT COUNT(*) FROM MIGRATOR_CONVERSATION WHERE WORKSPACE = ? AND"
                                + " CONTACT_ID = ? AND "
                                + scope.notCreatedBy(),
                        scope.arguments(workspace, contactId))
                > 0;
    }

    /** The contacts the migration attached to the company (Intercom ids). */
    public List<String> contactsOfCompany(String workspace, String companyIntercomId) {
        return jdbc.queryForList(
                "SELECT CONTACT_ID FROM MIGRATOR_COMPANY_CONTACT WHERE WORKSPACE = ? AND"
                        + " COMPANY_INTERCOM_ID = ?",
                String.class,
                workspace,
                companyIntercomId);
    }

    /**
     * Undo deleted the conversation in Intercom (or found it gone): it is kept as undone until the
     * undo finishes, then the ledger forgets it and its parts, so that migrating creates it again.
     */
    public void conversationUndone(String workspace, String sourceId, String intercomId) {
        try {
            jdbc.update(
                    "INSERT INTO MIGRATOR_UNDONE (WORKSPACE, INTERCOM_ID) VALUES (?, ?)",
                    workspace,
                    intercomId);
        } catch (DuplicateKeyException e) {
            // A crashed undo recorded it before it could forget the conversation.
        }
        forgetConversation(workspace, sourceId);
    }

    /** The conversations the unfinished undo of the workspace has deleted. */
    public Set<String> undoneConversations(String workspace) {
        return Set.copyOf(
                jdbc.queryForList(
                        "SELECT INTERCOM_ID FROM MIGRATOR_UNDONE WHERE WORKSPACE = ?",
                        String.class,
                        workspace));
    }

    /** Undo deleted the contact in Intercom: every key that led to it, and its companies. */
    public void contactUndone(String workspace, String intercomId) {
        jdbc.update(
                "DELETE FROM MIGRATOR_COMPANY_CONTACT WHERE WORKSPACE = ? AND CONTACT_ID = ?",
                workspace,
                intercomId);
        forgetContact(workspace, intercomId);
    }

    /** Undo deleted the company in Intercom: it and the contacts attached to it are forgotten. */
    public void companyUndone(String workspace, String intercomId) {
        jdbc.update(
                "DELETE FROM MIGRATOR_COMPANY_CONTACT WHERE WORKSPACE = ? AND COMPANY_INTERCOM_ID"
                        + " = ?",
                workspace,
                intercomId);
        jdbc.update(
                "DELETE FROM MIGRATOR_COMPANY WHERE WORKSPACE = ? AND INTERCOM_ID = ?",
                workspace,
                intercomId);
    }

    /** How many undos have finished in the workspace. */
    public long undoGeneration(String workspace) {
        return jdbc
                .queryForList(
                        "SELECT GENERATION FROM MIGRATOR_UNDO WHERE WORKSPACE = ?",
                        Long.class,
                        workspace)
                .stream()
                .findFirst()
                .orElse(0L);
    }

    /** An undo of the workspace has finished: one generation more, and nothing left undone. */
    public void undoFinished(String workspace) {
        if (jdbc.update(
                        "UPDATE MIGRATOR_UNDO SET GENERATION = GENERATION + 1 WHERE WORKSPACE = ?",
                        workspace)
                == 0) {
            jdbc.update(
                    "INSERT INTO MIGRATOR_UNDO (WORKSPACE, GENERATION) VALUES (?, 1)", workspace);
        }
        jdbc.update("DELETE FROM MIGRATOR_UNDONE WHERE WORKSPACE = ?", workspace);
    }

    private long count(String sql, Object... args) {
        Long count = jdbc.queryForObject(sql, Long.class, args);
        return count == null ? 0 : count;
    }

    /**
     * Drops what the run recorded in the job repository's tables (its rejects, progress and
     * deferred records): a dry run run again starts over, and records them anew.
     */
    public void forgetRunRecords(long runId) {
        jdbc.update("DELETE FROM MIGRATOR_REJECT WHERE RUN_ID = ?", runId);
        jdbc.update("DELETE FROM MIGRATOR_PROGRESS WHERE RUN_ID = ?", runId);
        jdbc.update("DELETE FROM MIGRATOR_DEFERRED WHERE RUN_ID = ?", runId);
    }
}
