package dev.migrator.source.helpscout;

import static dev.migrator.source.json.JsonFields.array;
import static dev.migrator.source.json.JsonFields.object;
import static dev.migrator.source.json.JsonFields.text;
import static dev.migrator.source.json.JsonFields.textsOf;

import dev.migrator.source.InvalidRecordException;
import dev.migrator.source.SourceAttachment;
import dev.migrator.source.SourceConversation;
import dev.migrator.source.SourceConversation.Details;
import dev.migrator.source.SourceConversation.SourceContact;
import dev.migrator.source.SourceConversation.SourceMessage;
import dev.migrator.source.SourceSystem;
import dev.migrator.source.Timestamps;
import dev.migrator.source.json.FieldValues;
import dev.migrator.source.json.JsonFields;
import dev.migrator.source.json.JsonRecordMapper;
import dev.migrator.source.json.MessageBodies;
import dev.migrator.support.Keywords;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.lang3.StringUtils;
import tools.jackson.databind.JsonNode;

/**
 * Help Scout's Mailbox API v2 conversations, each with its threads embedded ({@code GET
 * /v2/conversations?embed=threads}): one JSON array or JSON Lines. The threads may sit in {@code
 * _embedded.threads}, as the API returns them, or in a plain {@code threads} array.
 * docs/formats/helpscout.md lists the mapping field by field.
 *
 * <p>The API lists threads newest first; they are put in time order here (by {@code createdAt},
 * then by thread id, which Help Scout hands out in increasing order), so that the planner sees an
 * export in order. Line items (status and assignment changes), drafts, hidden threads and threads
 * held for review were never seen by the customer and are not migrated. A value Help Scout does not
 * document is never guessed into something the customer sees: an unknown conversation status or
 * state, or thread state, rejects the conversation naming it; a thread of an unknown type is read
 * as the nearest kind its author allows (a customer's as their message, an agent's as a note), with
 * a warning.
 */
final class HelpScoutConversationMapper implements JsonRecordMapper {

    static final HelpScoutConversationMapper INSTANCE = new HelpScoutConversationMapper();

    /** The state of a thread the customer saw (a thread without a state is read as one). */
    private static final String PUBLISHED = "published";

    /**
     * Thread states that never reached the conversation as the customer saw it: unsent drafts,
     * threads hidden from customer-facing emails, and replies held for review by Collision
     * Detection ({@code review} in the Mailbox API 2.0, {@code underreview} in 1.0).
     */
    private static final Set<String> UNPUBLISHED_STATES =
            Set.of("draft", "hidden", "review", "underreview");

    /**
     * Conversation statuses that leave it open in Intercom ({@code open} as the list filters it).
     */
    private static final Set<String> OPEN_STATUSES = Set.of("active", "pending", "open");

    private static final String CLOSED = "closed";

    /** The status of a conversation in the spam folder: never migrated. */
    private static final String SPAM = "spam";

    /** The state of a conversation in the trash: never migrated. */
    private static final String DELETED = "deleted";

    /** The state of a conversation an agent started and never sent: never migrated. */
    private static final String DRAFT = "draft";

    private static final Set<String> AGENT_TYPES = Set.of("user", "system_user");

    private HelpScoutConversationMapper() {}

    @Override
    public SourceConversation toConversation(JsonNode node) {
        JsonFields.requireRecord(node, "conversation");
        if (node.path("_embedded").has("conversations")) {
            throw new InvalidRecordException(
                    "this is a page of the conversations list, not a conversation: export the"
                        + " elements of its _embedded.conversations, one per line or in one array");
        }
        String id = text(node, "id", "id");
        String label = "conversation " + (id != null ? id : "(without id)");
        // Spam, deleted and draft conversations are never migrated, nor one whose status or state
        // is none Help Scout documents, and that is said before anything else is looked at (case 11
        // of issue 12).
        String status = text(node, "status", "status");
        if (Keywords.isIn(status, Set.of(SPAM))) {
            throw new InvalidRecordException(
                    label
                            + ": marked as spam in Help Scout (status \""
                            + status
                            + "\"); not migrated");
        }
        String state = text(node, "state", "state");
        if (Keywords.isIn(state, Set.of(DELETED))) {
            throw new InvalidRecordException(
                    label + ": deleted in Help Scout (state \"" + state + "\"); not migrated");
        }
        if (Keywords.isIn(state, Set.of(DRAFT))) {
            throw new InvalidRecordException(
                    label
                            + ": a draft in Help Scout (state \""
                            + state
                            + "\"), never sent to the customer; not migrated");
        }
        if (StringUtils.isNotBlank(state) && !Keywords.isIn(state, Set.of(PUBLISHED))) {
            throw new InvalidRecordException(
                    label
                            + ": state \""
                            + state
                            + "\" is none of published, draft, deleted; not migrated");
        }
        if (StringUtils.isNotBlank(status)
                && !Keywords.isIn(status, OPEN_STATUSES)
                && !Keywords.isIn(status, Set.of(CLOSED))) {
            throw new InvalidRecordException(
                    label
                            + ": status \""
                            + status
                            + "\" is none of active, pending, open, closed, spam; not migrated");
        }
        Someone primary =
                person(object(node, "primaryCustomer", "primaryCustomer"), "primaryCustomer");
        if (primary == null) {
            throw new InvalidRecordException(label + " has no primaryCustomer");
        }
        if (StringUtils.isBlank(primary.email())) {
            throw new InvalidRecordException(
                    label
                            + ": primary customer "
                            + (primary.id() != null ? primary.id() : "(without id)")
                            + " has no email");
        }

        JsonNode embedded = object(node, "_embedded", "_embedded");
        String threadsPath;
        List<JsonNode> threads;
        if (embedded != null && embedded.get("threads") != null) {
            threadsPath = "_embedded.threads";
            threads = array(embedded, "threads", threadsPath);
        } else if (node.get("threads") != null && !node.get("threads").isNumber()) {
            // (the API's own "threads" field is a count; an array there holds the threads
            // themselves)
            threadsPath = "threads";
            threads = array(node, "threads", threadsPath);
        } else {
            throw new InvalidRecordException(
                    label
                            + " has no threads: export the conversations with their threads "
                            + "(GET /v2/conversations/{id}?embed=threads)");
        }

        List<KeptThread> kept = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < threads.size(); i++) {
            KeptThread thread =
                    thread(
                            threads.get(i),
                            threadsPath + "[" + i + "]",
                            i,
                            label,
                            primary,
                            warnings);
            if (thread != null) {
                kept.add(thread);
            }
        }
        if (kept.isEmpty() && !threads.isEmpty()) {
            throw new InvalidRecordException(
                    label
                            + " has no published thread to migrate ("
                            + threads.size()
                            + " line item(s), draft(s), hidden thread(s) or thread(s) held for"
                            + " review only)");
        }
        kept.sort(chronological(kept));
        Details details = details(node, label, warnings);

        return new SourceConversation(
                id,
                text(node, "subject", "subject"),
                text(node, "createdAt", "createdAt"),
                HelpScoutFormat.status(status),
                textsOf(node, "tags", "tag", "tags"),
                new SourceContact(primary.email(), null, primary.name(), "user"),
                kept.stream().map(KeptThread::message).toList(),
                SourceSystem.HELPSCOUT,
                List.copyOf(warnings),
                details);
    }

    /**
     * What the agents saw around the thread: the assignee, the mailbox, the custom fields. The
     * conversation carries no company (its {@code primaryCustomer} holds only id, name and email).
     * Get Conversation (developer.helpscout.com/mailbox-api/endpoints/conversations/get/) answers
     * {@code "mailboxId" : 13, "assignee" : {"id" : 99, "type" : "user", "first" : "Mr", "last" :
     * "Robot", "email" : "none@nowhere.com"}, "customFields" : [{"id" : 8, "name" : "Account Type",
     * "value" : "8518", "text" : "Free"}]}.
     */
    private static Details details(JsonNode node, String label, List<String> warnings) {
        JsonNode assignee = object(node, "assignee", "assignee");
        String assigneeEmail = assignee == null ? null : text(assignee, "email", "assignee.email");
        return new Details(
                StringUtils.isBlank(assigneeEmail) ? null : assigneeEmail,
                mailbox(node),
                customFields(node, label, warnings),
                null);
    }

    /**
     * The mailbox by name when the export embeds it ({@code mailbox: {id, name}}, as API 1.0 and
     * the webhooks write it), else by {@code mailboxId}: the Mailbox API 2.0 gives only the id.
     */
    private static String mailbox(JsonNode node) {
        JsonNode mailbox = object(node, "mailbox", "mailbox");
        String name = mailbox == null ? null : text(mailbox, "name", "mailbox.name");
        if (StringUtils.isNotBlank(name)) {
            return name;
        }
        String id = text(node, "mailboxId", "mailboxId");
        if (StringUtils.isBlank(id) && mailbox != null) {
            id = text(mailbox, "id", "mailbox.id");
        }
        return StringUtils.isBlank(id) ? null : id.trim();
    }

    /**
     * Each custom field by its {@code name}, valued by its {@code text}: Help Scout documents it as
     * equal to {@code value} but for a dropdown, whose {@code value} is the option's id and whose
     * {@code text} its label. Without a text, the {@code value}.
     */
    private static Map<String, String> customFields(
            JsonNode node, String label, List<String> warnings) {
        Map<String, String> fields = new LinkedHashMap<>();
        List<JsonNode> entries = array(node, "customFields", "customFields");
        for (int i = 0; i < entries.size(); i++) {
            String path = "customFields[" + i + "]";
            JsonNode entry = entries.get(i);
            JsonFields.requireObject(entry, path);
            String name = text(entry, "name", path + ".name");
            if (StringUtils.isBlank(name)) {
                warnings.add(label + ": " + path + " has no name; the field is not read");
                continue;
            }
            String value = value(entry, "text", path, label, warnings);
            if (value == null) {
                value = value(entry, "value", path, label, warnings);
            }
            if (value != null && fields.putIfAbsent(name.trim(), value) != null) {
                warnings.add(
                        label
                                + ": two custom fields are named '"
                                + name.trim()
                                + "'; the first one is read");
            }
        }
        return fields;
    }

    /** A custom field's {@code key} as text, or {@code null}, with a warning, when not a value. */
    private static String value(
            JsonNode entry, String key, String path, String label, List<String> warnings) {
        JsonNode value = entry.get(key);
        if (!FieldValues.isScalar(value)) {
            warnings.add(
                    label
                            + ": "
                            + path
                            + "."
                            + key
                            + " is "
                            + JsonFields.kind(value)
                            + ", not a value; not read");
            return null;
        }
        return FieldValues.text(value);
    }

    /** A thread kept for migration, with what puts it in time order. */
    private record KeptThread(SourceMessage message, Long epochSecond, Long numericId, int index) {}

    /**
     * A person as Help Scout embeds them ({@code primaryCustomer}, {@code createdBy}, {@code
     * customer}): customers and users alike.
     */
    private record Someone(String id, String type, String email, String name) {}

    private KeptThread thread(
            JsonNode thread,
            String path,
            int index,
            String label,
            Someone primary,
            List<String> warnings) {
        JsonFields.requireObject(thread, path);
        String threadId = text(thread, "id", path + ".id");
        String name = label + ", thread " + (threadId != null ? threadId : "#" + (index + 1));
        String type = Keywords.normalize(text(thread, "type", path + ".type"));
        if ("lineitem".equals(type)) {
            return null;
        }
        String state = text(thread, "state", path + ".state");
        if (Keywords.isIn(state, UNPUBLISHED_STATES)) {
            return null;
        }
        if (StringUtils.isNotBlank(state) && !Keywords.isIn(state, Set.of(PUBLISHED))) {
            // Whether the customer saw it cannot be told: nothing of the conversation is sent.
            throw new InvalidRecordException(
                    name
                            + ": thread state \""
                            + state
                            + "\" is none of published, draft, hidden, review, underreview; the"
                            + " conversation is not migrated");
        }
        Someone createdBy =
                person(object(thread, "createdBy", path + ".createdBy"), path + ".createdBy");
        String body = text(thread, "body", path + ".body");
        String createdAt = text(thread, "createdAt", path + ".createdAt");
        List<SourceAttachment> attachments = attachments(thread, path, name);
        SourceMessage message;
        switch (type == null ? "" : type) {
            case "customer" -> {
                // Typed in by an agent on the customer's behalf, the words are still the
                // customer's: the thread's customer.
                Someone speaker =
                        createdBy != null && "customer".equals(createdBy.type())
                                ? createdBy
                                : person(
                                        object(thread, "customer", path + ".customer"),
                                        path + ".customer");
                message = fromCustomer(threadId, speaker, primary, body, createdAt, attachments);
            }
            case "message", "reply" ->
                    message = fromAgent(threadId, createdBy, body, createdAt, attachments, false);
            case "note", "forwardparent", "forwardchild" ->
                    message =
                            createdBy != null && "customer".equals(createdBy.type())
                                    // Only agents write notes in Intercom: the default admin writes
                                    // it, naming who wrote it.
                                    ? new SourceMessage(
                                            threadId,
                                            "agent",
                                            null,
                                            null,
                                            MessageBodies.attributed(
                                                    "Note from", who(createdBy), body),
                                            createdAt,
                                            attachments,
                                            true)
                                    : fromAgent(
                                            threadId,
                                            createdBy,
                                            body,
                                            createdAt,
                                            attachments,
                                            true);
            case "phone", "chat", "beaconchat" -> {
                String by = createdBy == null ? null : createdBy.type();
                if ("customer".equals(by)) {
                    message =
                            fromCustomer(
                                    threadId, createdBy, primary, body, createdAt, attachments);
                } else if (by != null && AGENT_TYPES.contains(by)) {
                    message = fromAgent(threadId, createdBy, body, createdAt, attachments, false);
                } else {
                    throw new InvalidRecordException(
                            name
                                    + ": a "
                                    + type
                                    + " thread needs createdBy.type customer or user"
                                    + (by == null ? ", and it has none" : ", not '" + by + "'"));
                }
            }
            case "" -> throw new InvalidRecordException(name + " has no type");
            default -> {
                // A kind Help Scout added since: the customer's words stay theirs, and an agent's
                // become a note, which the customer never sees, rather than a reply they may not
                // have received.
                String by = createdBy == null ? null : createdBy.type();
                String unknown =
                        name + ": thread type '" + type + "' is not one Help Scout documents";
                if ("customer".equals(by)) {
                    message =
                            fromCustomer(
                                    threadId, createdBy, primary, body, createdAt, attachments);
                    warnings.add(
                            unknown + "; migrated as a message from the customer who wrote it");
                } else if (by != null && AGENT_TYPES.contains(by)) {
                    message = fromAgent(threadId, createdBy, body, createdAt, attachments, true);
                    warnings.add(unknown + "; migrated as a note by the agent who wrote it");
                } else {
                    throw new InvalidRecordException(
                            unknown
                                    + ", and its createdBy.type is neither customer nor user"
                                    + (by == null ? " (it has none)" : " ('" + by + "')")
                                    + ": it cannot be told whose words these are");
                }
            }
        }
        return new KeptThread(message, epochSecond(createdAt), number(threadId), index);
    }

    private static SourceMessage fromCustomer(
            String threadId,
            Someone speaker,
            Someone primary,
            String body,
            String createdAt,
            List<SourceAttachment> attachments) {
        String words =
                speaker == null || samePerson(speaker, primary)
                        ? body
                        : MessageBodies.attributed("From", who(speaker), body);
        return new SourceMessage(
                threadId, "contact", null, null, words, createdAt, attachments, false);
    }

    private static SourceMessage fromAgent(
            String threadId,
            Someone user,
            String body,
            String createdAt,
            List<SourceAttachment> attachments,
            boolean note) {
        return new SourceMessage(
                threadId,
                "agent",
                user == null ? null : user.email(),
                user == null ? null : user.name(),
                body,
                createdAt,
                attachments,
                note);
    }

    /**
     * Each attachment by its web link (it opens without an API token), else its data link, with its
     * {@code filename} and {@code mimeType}.
     */
    private static List<SourceAttachment> attachments(JsonNode thread, String path, String name) {
        JsonNode embedded = object(thread, "_embedded", path + "._embedded");
        List<JsonNode> files;
        String filesPath;
        if (embedded != null && embedded.get("attachments") != null) {
            filesPath = path + "._embedded.attachments";
            files = array(embedded, "attachments", filesPath);
        } else {
            filesPath = path + ".attachments";
            files = array(thread, "attachments", filesPath);
        }
        List<SourceAttachment> attachments = new ArrayList<>(files.size());
        for (int i = 0; i < files.size(); i++) {
            String filePath = filesPath + "[" + i + "]";
            JsonNode file = files.get(i);
            JsonFields.requireObject(file, filePath);
            JsonNode links = object(file, "_links", filePath + "._links");
            String url = null;
            for (String rel : List.of("web", "data")) {
                JsonNode link =
                        links == null ? null : object(links, rel, filePath + "._links." + rel);
                String href =
                        link == null
                                ? null
                                : text(link, "href", filePath + "._links." + rel + ".href");
                if (StringUtils.isNotBlank(href)) {
                    url = href;
                    break;
                }
            }
            String filename = text(file, "filename", filePath + ".filename");
            if (url == null) {
                throw new InvalidRecordException(
                        name
                                + ": attachment "
                                + (filename != null ? "'" + filename + "'" : "#" + (i + 1))
                                + " has no link (_links.web.href or _links.data.href) to migrate it"
                                + " from");
            }
            attachments.add(
                    new SourceAttachment(
                            url, filename, text(file, "mimeType", filePath + ".mimeType")));
        }
        return attachments;
    }

    private static Someone person(JsonNode person, String path) {
        if (person == null) {
            return null;
        }
        String first = text(person, "first", path + ".first");
        String last = text(person, "last", path + ".last");
        String name =
                String.join(
                                " ",
                                StringUtils.isBlank(first) ? "" : first.trim(),
                                StringUtils.isBlank(last) ? "" : last.trim())
                        .trim();
        return new Someone(
                text(person, "id", path + ".id"),
                Keywords.normalize(text(person, "type", path + ".type")),
                text(person, "email", path + ".email"),
                name.isEmpty() ? null : name);
    }

    private static boolean samePerson(Someone a, Someone b) {
        if (a.id() != null && b.id() != null) {
            return a.id().equals(b.id());
        }
        return a.email() != null
                && b.email() != null
                && a.email().trim().equalsIgnoreCase(b.email().trim());
    }

    /**
     * Time order, as the customer lived it: by {@code createdAt}, then by thread id (increasing in
     * Help Scout) when every kept thread has a numeric one, else newest-first listing reversed. A
     * thread whose time cannot be read is left where it is sorted last; the planner rejects it by
     * name.
     */
    private static Comparator<KeptThread> chronological(List<KeptThread> threads) {
        boolean numericIds = threads.stream().allMatch(t -> t.numericId() != null);
        Comparator<KeptThread> byTime =
                Comparator.comparing(
                        KeptThread::epochSecond, Comparator.nullsLast(Comparator.naturalOrder()));
        return numericIds
                ? byTime.thenComparing(KeptThread::numericId)
                : byTime.thenComparing(KeptThread::index, Comparator.reverseOrder());
    }

    private static Long epochSecond(String createdAt) {
        try {
            return createdAt == null ? null : Timestamps.toEpochSecond(createdAt, ZoneOffset.UTC);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Long number(String id) {
        try {
            return id == null ? null : Long.valueOf(id.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String who(Someone person) {
        return MessageBodies.who(
                person.name(),
                person.email(),
                "customer " + (person.id() != null ? person.id() : "(unnamed)"));
    }
}
