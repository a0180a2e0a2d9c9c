package dev.migrator.source.front;

import static dev.migrator.source.json.JsonFields.array;
import static dev.migrator.source.json.JsonFields.bool;
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
import dev.migrator.source.json.JsonFields.AttachmentFields;
import dev.migrator.source.json.JsonRecordMapper;
import dev.migrator.source.json.MessageBodies;
import dev.migrator.support.EmailAddresses;
import dev.migrator.support.Keywords;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.lang3.StringUtils;
import tools.jackson.databind.JsonNode;

/**
 * Front's API conversations, one JSON array or JSON Lines, each with its {@code messages} and
 * {@code comments} (internal discussion) embedded. Front lists messages newest first and keeps
 * comments apart, so the two are merged here in time order (to the fraction of a second, which the
 * planner's whole seconds would lose). docs/formats/front.md lists the mapping field by field.
 */
final class FrontConversationMapper implements JsonRecordMapper {

    static final FrontConversationMapper INSTANCE = new FrontConversationMapper();

    /**
     * The statuses of a conversation in Front's trash: never migrated. The Core API writes {@code
     * deleted}, the Plugin SDK {@code trashed}.
     */
    private static final Set<String> DELETED = Set.of("deleted", "trashed");

    /** The status of a conversation in Front's spam folder: never migrated. */
    private static final Set<String> SPAM = Set.of("spam");

    /**
     * Every other status Front documents (docs/formats/front.md says where): all of them are
     * conversations the customer took part in. A status not in this list is never guessed at.
     */
    private static final Set<String> MIGRATED_STATUSES =
            Set.of("archived", "assigned", "unassigned", "open", "snoozed");

    /** The categories of Front's ticket statuses, when ticketing is on. */
    private static final Set<String> STATUS_CATEGORIES = Set.of("open", "waiting", "resolved");

    /** The message type of an internal discussion's messages: teammates only, never a customer. */
    private static final String INTERNAL = "internal";

    /**
     * The message types Front documents (the Core API's message types and the Plugin SDK's
     * conversation types), all but {@code internal} channels the customer was reached through.
     */
    private static final Set<String> MESSAGE_TYPES =
            Set.of(
                    "call",
                    "custom",
                    "email",
                    "facebook",
                    "front_chat",
                    "googleplay",
                    "google_play",
                    INTERNAL,
                    "intercom",
                    "phone-call",
                    "phone_call",
                    "sms",
                    "smooch",
                    "tweet",
                    "tweet_dm",
                    "twitter_dm",
                    "whatsapp",
                    "yalo_wha");

    private FrontConversationMapper() {}

    /**
     * A recipient of a message or of the conversation: an address in some channel, with a role
     * (from, to, cc, bcc).
     */
    private record Handle(String handle, String name) {
        /** The planner's test: a phone number or a social handle is not an email address. */
        boolean isEmail() {
            return handle != null && EmailAddresses.isAddress(handle.trim());
        }

        String who() {
            return MessageBodies.who(name, handle, handle.trim());
        }
    }

    /** One message or comment before the merge: its time as written and as a number for sorting. */
    private record Dated(SourceMessage message, BigDecimal time) {}

    @Override
    public SourceConversation toConversation(JsonNode node) {
        JsonFields.requireRecord(node, "conversation");
        String id = text(node, "id", "id");
        String label = "conversation " + id;
        // Deleted and spam conversations are never migrated, and that is said before anything else
        // is looked at (case 11 of issue 12).
        String written = text(node, "status", "status");
        if (Keywords.isIn(written, DELETED)) {
            throw new InvalidRecordException(
                    label + ": deleted in Front (status \"" + written + "\"); not migrated");
        }
        if (Keywords.isIn(written, SPAM)) {
            throw new InvalidRecordException(
                    label + ": marked as spam in Front (status \"" + written + "\"); not migrated");
        }
        // A status Front does not document may hide the conversation as trash or spam do: kept
        // out, and said, rather than guessed at.
        if (written != null && !Keywords.isIn(written, MIGRATED_STATUSES)) {
            throw new InvalidRecordException(
                    label
                            + ": status \""
                            + written
                            + "\" is not one Front documents; not migrated");
        }
        String category = text(node, "status_category", "status_category");
        if (category != null && !Keywords.isIn(category, STATUS_CATEGORIES)) {
            throw new InvalidRecordException(
                    label
                            + ": status_category \""
                            + category
                            + "\" is not one Front documents; not migrated");
        }
        if (node.get("messages") == null) {
            throw new InvalidRecordException(
                    label
                            + " has no messages field: export the conversations with their messages"
                            + " (GET /conversations/{id}/messages)");
        }
        List<JsonNode> messageNodes = array(node, "messages", "messages");
        List<JsonNode> commentNodes = array(node, "comments", "comments");
        for (int i = 0; i < messageNodes.size(); i++) {
            JsonFields.requireObject(messageNodes.get(i), "messages[" + i + "]");
        }
        Handle contact = contact(node, messageNodes, label);

        List<Dated> dated = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        String lastDraft = null;
        for (int i = 0; i < messageNodes.size(); i++) {
            String path = "messages[" + i + "]";
            JsonNode messageNode = messageNodes.get(i);
            String draft = draftMarker(messageNode, path);
            if (draft != null) {
                // Never sent: the customer never read it. Not even as a note: a private draft was
                // for its author's eyes only, and a draft may still be sent, as a message of its
                // own.
                lastDraft = draft;
                warnings.add(
                        label
                                + ": message "
                                + text(messageNode, "id", path + ".id")
                                + " is a draft, never sent ("
                                + draft
                                + "); not migrated");
                continue;
            }
            SourceMessage message = message(messageNode, path, contact, label, warnings);
            dated.add(new Dated(message, sortKey(message.createdAt())));
        }
        if (lastDraft != null && dated.isEmpty()) {
            throw new InvalidRecordException(
                    label
                            + ": its only messages are drafts, never sent ("
                            + lastDraft
                            + "); not migrated");
        }
        for (int i = 0; i < commentNodes.size(); i++) {
            SourceMessage comment = comment(commentNodes.get(i), "comments[" + i + "]");
            dated.add(new Dated(comment, sortKey(comment.createdAt())));
        }
        if (dated.stream().allMatch(d -> d.time() != null)) {
            dated.sort(
                    Comparator.comparing(
                            Dated::time)); // stable: equal times keep the export's order
        }
        Details details = details(node, label, warnings);
        return new SourceConversation(
                id,
                text(node, "subject", "subject"),
                text(node, "created_at", "created_at"),
                FrontFormat.status(written, category),
                textsOf(node, "tags", "name", "tags"),
                new SourceContact(contact.handle().trim(), null, contact.name(), "user"),
                dated.stream().map(Dated::message).toList(),
                SourceSystem.FRONT,
                List.copyOf(warnings),
                details);
    }

    /**
     * What the teammates saw around the thread: the assignee, the inbox, the custom fields. Front's
     * conversation carries no company (its {@code recipient} holds only a handle and a name). The
     * Core API's conversation (ConversationResponse in dev.frontapp.com's OpenAPI) gives {@code
     * "assignee": {"id": "tea_6r55a", "email": "michael.scott@dundermifflin.com", …}} and {@code
     * "custom_fields": {…}} (name to value: "Boolean | Date | Number | String", says its
     * CustomField object), but its inboxes only as the link {@code _links.related.inboxes}: the
     * export embeds that list ({@code GET /conversations/{id}/inboxes}, its {@code _results}) as
     * {@code inboxes}, as it does the messages and comments; the Plugin SDK's conversation has the
     * same {@code inboxes} array.
     */
    private static Details details(JsonNode node, String label, List<String> warnings) {
        JsonNode assignee = object(node, "assignee", "assignee");
        String assigneeEmail = assignee == null ? null : text(assignee, "email", "assignee.email");
        return new Details(
                StringUtils.isBlank(assigneeEmail) ? null : assigneeEmail,
                inbox(node),
                customFields(node, label, warnings),
                null);
    }

    /** The first inbox listed, by name, else by id; {@code null} when none is embedded. */
    private static String inbox(JsonNode node) {
        List<JsonNode> inboxes = array(node, "inboxes", "inboxes");
        if (inboxes.isEmpty()) {
            return null;
        }
        JsonFields.requireObject(inboxes.get(0), "inboxes[0]");
        String name = text(inboxes.get(0), "name", "inboxes[0].name");
        String named =
                StringUtils.isNotBlank(name) ? name : text(inboxes.get(0), "id", "inboxes[0].id");
        return StringUtils.isBlank(named) ? null : named.trim();
    }

    /**
     * Each custom field by its name, as text. A value Front does not document (an object, an array)
     * is not read, with a warning: the conversation itself still migrates.
     */
    private static Map<String, String> customFields(
            JsonNode node, String label, List<String> warnings) {
        JsonNode customFields = object(node, "custom_fields", "custom_fields");
        Map<String, String> fields = new LinkedHashMap<>();
        if (customFields == null) {
            return fields;
        }
        for (Map.Entry<String, JsonNode> field : customFields.properties()) {
            if (!FieldValues.isScalar(field.getValue())) {
                warnings.add(
                        label
                                + ": custom_fields."
                                + field.getKey()
                                + " is "
                                + JsonFields.kind(field.getValue())
                                + ", not a value; not read");
                continue;
            }
            String value = FieldValues.text(field.getValue());
            if (value != null) {
                fields.put(field.getKey(), value);
            }
        }
        return fields;
    }

    /**
     * What marks a message as an unsent draft, as a reject or warning names it ({@code draft_mode
     * "shared"}), or {@code null} for a message that was sent. Front's API gives {@code draft_mode}
     * ({@code shared}, {@code private}, null when sent); older exports {@code is_draft}.
     */
    private static String draftMarker(JsonNode message, String path) {
        String mode = text(message, "draft_mode", path + ".draft_mode");
        if (StringUtils.isNotBlank(mode)) {
            return "draft_mode \"" + mode + "\"";
        }
        return bool(message, "is_draft", path + ".is_draft", false) ? "is_draft true" : null;
    }

    /**
     * The conversation's contact: its {@code recipient} when that is an email address, else the
     * sender of its first inbound message that came from one.
     */
    private static Handle contact(JsonNode conversation, List<JsonNode> messages, String label) {
        JsonNode recipient = object(conversation, "recipient", "recipient");
        Handle named =
                recipient == null
                        ? null
                        : new Handle(
                                text(recipient, "handle", "recipient.handle"),
                                text(recipient, "name", "recipient.name"));
        if (named != null && named.isEmail()) {
            return named;
        }
        Handle earliest = null;
        BigDecimal earliestTime = null;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String path = "messages[" + i + "]";
            if (!bool(message, "is_inbound", path + ".is_inbound", false)) {
                continue;
            }
            Handle from = sender(message, path);
            BigDecimal time = sortKey(text(message, "created_at", path + ".created_at"));
            if (from != null
                    && from.isEmail()
                    && (earliest == null
                            || (time != null
                                    && (earliestTime == null
                                            || time.compareTo(earliestTime) < 0)))) {
                earliest = from;
                earliestTime = time;
            }
        }
        if (earliest != null) {
            return earliest;
        }
        String given =
                named == null || named.handle() == null
                        ? "none"
                        : "'" + named.handle() + "' is not an email address";
        throw new InvalidRecordException(
                label
                        + ": no contact email (recipient "
                        + given
                        + ", and no inbound message is from an email address)");
    }

    private static SourceMessage message(
            JsonNode message, String path, Handle contact, String label, List<String> warnings) {
        String messageId = text(message, "id", path + ".id");
        boolean inbound = bool(message, "is_inbound", path + ".is_inbound", false);
        String type = text(message, "type", path + ".type");
        String body = MessageBodies.htmlOrPlain(message, path + ".", "body", "text");
        List<SourceAttachment> attachments = attachments(message, path);
        String createdAt = text(message, "created_at", path + ".created_at");
        JsonNode author = object(message, "author", path + ".author");
        String email = author == null ? null : text(author, "email", path + ".author.email");
        String name = author == null ? null : teammateName(author, path + ".author");
        if (Keywords.isIn(type, Set.of(INTERNAL))) {
            // An internal discussion's message: teammates wrote it for teammates.
            return new SourceMessage(
                    messageId, "agent", email, name, body, createdAt, attachments, true);
        }
        if (type != null && !Keywords.isIn(type, MESSAGE_TYPES)) {
            // A channel Front added since: the customer saw it, so it goes as what is_inbound says.
            warnings.add(
                    label
                            + ": message "
                            + messageId
                            + " has type \""
                            + type
                            + "\", which Front does not document; migrated as "
                            + (inbound ? "an inbound message" : "an outbound reply"));
        }
        if (inbound) {
            Handle from = sender(message, path);
            boolean byContact =
                    from == null
                            || from.handle() == null
                            || from.handle().trim().equalsIgnoreCase(contact.handle().trim());
            return new SourceMessage(
                    messageId,
                    "contact",
                    null,
                    null,
                    byContact ? body : MessageBodies.attributed("From", from.who(), body),
                    createdAt,
                    attachments,
                    false);
        }
        return new SourceMessage(
                messageId, "agent", email, name, body, createdAt, attachments, false);
    }

    /**
     * A comment of the internal discussion: a note by its teammate. Front comment bodies are plain
     * text.
     */
    private static SourceMessage comment(JsonNode comment, String path) {
        JsonFields.requireObject(comment, path);
        JsonNode author = object(comment, "author", path + ".author");
        String text = text(comment, "body", path + ".body");
        String postedAt = text(comment, "posted_at", path + ".posted_at");
        return new SourceMessage(
                text(comment, "id", path + ".id"),
                "agent",
                author == null ? null : text(author, "email", path + ".author.email"),
                author == null ? null : teammateName(author, path + ".author"),
                MessageBodies.preformatted(text),
                postedAt != null ? postedAt : text(comment, "created_at", path + ".created_at"),
                attachments(comment, path),
                true);
    }

    /** The {@code from} recipient of a message, or {@code null} when it names none. */
    private static Handle sender(JsonNode message, String path) {
        List<JsonNode> recipients = array(message, "recipients", path + ".recipients");
        for (int i = 0; i < recipients.size(); i++) {
            String at = path + ".recipients[" + i + "]";
            JsonFields.requireObject(recipients.get(i), at);
            String role = text(recipients.get(i), "role", at + ".role");
            if ("from".equalsIgnoreCase(role == null ? null : role.trim())) {
                String handle = text(recipients.get(i), "handle", at + ".handle");
                return StringUtils.isBlank(handle)
                        ? null
                        : new Handle(handle, text(recipients.get(i), "name", at + ".name"));
            }
        }
        return null;
    }

    /** "first last", else the username. */
    private static String teammateName(JsonNode teammate, String path) {
        String first = text(teammate, "first_name", path + ".first_name");
        String last = text(teammate, "last_name", path + ".last_name");
        String full =
                ((first == null ? "" : first.trim()) + " " + (last == null ? "" : last.trim()))
                        .trim();
        return full.isEmpty() ? text(teammate, "username", path + ".username") : full;
    }

    private static List<SourceAttachment> attachments(JsonNode node, String path) {
        return JsonFields.attachments(
                node,
                "attachments",
                new AttachmentFields("url", "filename", "content_type"),
                path + ".attachments");
    }

    /**
     * An epoch time (seconds, fractional, or milliseconds) as a number to sort by; {@code null}
     * when it is not one.
     */
    private static BigDecimal sortKey(String time) {
        return Timestamps.epochSeconds(StringUtils.trim(time));
    }
}
