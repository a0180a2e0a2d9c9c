package dev.migrator.source.zendesk;

import static dev.migrator.source.json.JsonFields.array;
import static dev.migrator.source.json.JsonFields.bool;
import static dev.migrator.source.json.JsonFields.strings;
import static dev.migrator.source.json.JsonFields.text;

import dev.migrator.source.InvalidRecordException;
import dev.migrator.source.SourceConversation;
import dev.migrator.source.SourceConversation.SourceContact;
import dev.migrator.source.SourceConversation.SourceMessage;
import dev.migrator.source.SourceSystem;
import dev.migrator.source.json.JsonFields;
import dev.migrator.source.json.JsonRecordMapper;
import dev.migrator.source.json.MessageBodies;
import dev.migrator.source.json.People;
import dev.migrator.source.json.People.Person;
import dev.migrator.support.Keywords;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.commons.lang3.StringUtils;
import tools.jackson.databind.JsonNode;

/**
 * Zendesk's JSON export: one ticket per line ({@code {"ticket":{…}}} or the bare ticket) with its
 * {@code comments}, and the users export ({@code --users}) that names requesters and authors.
 * docs/formats/zendesk.md lists the mapping field by field.
 */
final class ZendeskTicketMapper implements JsonRecordMapper {

    private static final Set<String> AGENT_ROLES = Set.of("agent", "admin");

    /**
     * The status of a deleted ticket, which a ticket export holds unless told to exclude them: it
     * is never migrated.
     */
    private static final String DELETED = "deleted";

    /**
     * The statuses Zendesk documents for a ticket: its system statuses (the status categories
     * custom statuses belong to, and "closed"), and "on hold", the Apps API's spelling of "hold".
     * "solved" and "closed" close the conversation; the others leave it open.
     */
    private static final List<String> DOCUMENTED_STATUSES =
            List.of("new", "open", "pending", "hold", "on hold", "solved", "closed");

    private final People users;

    ZendeskTicketMapper(People users) {
        this.users = users;
    }

    /**
     * The users one value of the users file holds: each user of a page of the List Users API
     * ({@code {"users":[…],"next_page":…,"count":…}}), else the value itself, one user.
     */
    static List<JsonNode> usersOf(JsonNode value) {
        JsonNode page = value.get("users");
        return page != null && page.isArray() ? array(value, "users", "users") : List.of(value);
    }

    /** One record of the users export: {@code {"user":{…}}} or the bare user. */
    static Person person(JsonNode node) {
        JsonNode user = unwrap(node, "user");
        if (!user.isObject()) {
            return null;
        }
        String role = text(user, "role", "role");
        return new Person(
                text(user, "id", "id"),
                text(user, "email", "email"),
                text(user, "external_id", "external_id"),
                text(user, "name", "name"),
                role != null && AGENT_ROLES.contains(role.toLowerCase(Locale.ROOT)));
    }

    @Override
    public String idOf(JsonNode node) {
        return JsonFields.idOf(unwrap(node, "ticket"));
    }

    @Override
    public SourceConversation toConversation(JsonNode node) {
        JsonNode ticket = unwrap(node, "ticket");
        JsonFields.requireRecord(ticket, "ticket");
        String id = text(ticket, "id", "id");
        String label = "ticket " + id;
        String status = text(ticket, "status", "status");
        if (Keywords.isIn(status, Set.of(DELETED))) {
            // Never migrated, and said before anything else is looked at (case 11 of issue 12).
            throw new InvalidRecordException(
                    label + ": deleted in Zendesk (status \"" + status + "\"); not migrated");
        }
        if (status != null && !DOCUMENTED_STATUSES.contains(Keywords.normalize(status))) {
            // A state we cannot read may be one the customer never saw the ticket in: kept out.
            throw new InvalidRecordException(
                    label
                            + ": status \""
                            + status
                            + "\" is not one Zendesk documents ("
                            + String.join(", ", DOCUMENTED_STATUSES)
                            + ", deleted); not migrated");
        }
        String requesterId = text(ticket, "requester_id", "requester_id");
        Person requester =
                users.find(requesterId)
                        .orElseThrow(
                                () ->
                                        new InvalidRecordException(
                                                label
                                                        + ": "
                                                        + users.missing("requester", requesterId)));
        if (StringUtils.isBlank(requester.email()) && StringUtils.isBlank(requester.externalId())) {
            throw new InvalidRecordException(
                    label
                            + ": requester "
                            + requesterId
                            + " has neither an email nor an external_id in the users file");
        }
        if (ticket.get("comments") == null) {
            throw new InvalidRecordException(
                    label + " has no comments field: export the tickets with their comments");
        }
        List<JsonNode> comments = array(ticket, "comments", "comments");
        List<SourceMessage> messages = new ArrayList<>(comments.size());
        for (int i = 0; i < comments.size(); i++) {
            messages.add(message(comments.get(i), "comments[" + i + "]", label, requesterId));
        }
        return new SourceConversation(
                id,
                text(ticket, "subject", "subject"),
                text(ticket, "created_at", "created_at"),
                status,
                strings(ticket, "tags", "tags"),
                new SourceContact(
                        requester.email(), requester.externalId(), requester.name(), "user"),
                messages,
                SourceSystem.ZENDESK);
    }

    private SourceMessage message(JsonNode comment, String path, String label, String requesterId) {
        JsonFields.requireObject(comment, path);
        String commentId = text(comment, "id", path + ".id");
        String authorId = text(comment, "author_id", path + ".author_id");
        Person author =
                users.find(authorId)
                        .orElseThrow(
                                () ->
                                        new InvalidRecordException(
                                                label
                                                        + ", comment "
                                                        + (commentId != null ? commentId : path)
                                                        + ": "
                                                        + users.missing("author", authorId)));
        boolean isPublic = bool(comment, "public", path + ".public", true);
        String body =
                MessageBodies.htmlOrPlain(comment, path + ".", "html_body", "plain_body", "body");
        List<String> attachments = attachmentUrls(comment, path + ".attachments");
        String createdAt = text(comment, "created_at", path + ".created_at");
        if (authorId.equals(requesterId) && isPublic) {
            // The requester's words are the contact's, even when the requester is an agent (a
            // ticket an agent raised for themselves).
            return new SourceMessage(
                    commentId, "contact", null, null, body, createdAt, attachments, false);
        }
        if (author.agent()) {
            return new SourceMessage(
                    commentId,
                    "agent",
                    author.email(),
                    author.name(),
                    body,
                    createdAt,
                    attachments,
                    !isPublic);
        }
        if (!isPublic) {
            // An end user's private comment (a CC's reply, typically) stays private: a note, by the
            // default admin.
            return new SourceMessage(
                    commentId,
                    "agent",
                    null,
                    null,
                    MessageBodies.attributed("Private comment from", who(author), body),
                    createdAt,
                    attachments,
                    true);
        }
        return new SourceMessage(
                commentId,
                "contact",
                null,
                null,
                MessageBodies.attributed("From", who(author), body),
                createdAt,
                attachments,
                false);
    }

    /**
     * The URLs of a comment's files. An image's thumbnails are attachment objects too (its {@code
     * thumbnails} array): one listed again among the comment's attachments is left out, so that
     * each file is sent once, at its full size.
     */
    private static List<String> attachmentUrls(JsonNode comment, String path) {
        Set<String> thumbnailUrls = new HashSet<>();
        Set<String> thumbnailIds = new HashSet<>();
        List<JsonNode> listed = array(comment, "attachments", path);
        for (int i = 0; i < listed.size(); i++) {
            JsonNode attachment = listed.get(i);
            JsonFields.requireObject(attachment, path + "[" + i + "]");
            List<JsonNode> thumbnails =
                    array(attachment, "thumbnails", path + "[" + i + "].thumbnails");
            for (int t = 0; t < thumbnails.size(); t++) {
                String thumbnailPath = path + "[" + i + "].thumbnails[" + t + "]";
                JsonFields.requireObject(thumbnails.get(t), thumbnailPath);
                addIfPresent(
                        thumbnailUrls,
                        text(thumbnails.get(t), "content_url", thumbnailPath + ".content_url"));
                addIfPresent(thumbnailIds, text(thumbnails.get(t), "id", thumbnailPath + ".id"));
            }
        }
        List<String> urls = new ArrayList<>(listed.size());
        for (int i = 0; i < listed.size(); i++) {
            String url = text(listed.get(i), "content_url", path + "[" + i + "].content_url");
            String id = text(listed.get(i), "id", path + "[" + i + "].id");
            if (url != null && !thumbnailUrls.contains(url) && !thumbnailIds.contains(id)) {
                urls.add(url);
            }
        }
        return urls;
    }

    private static void addIfPresent(Set<String> values, String value) {
        if (value != null) {
            values.add(value);
        }
    }

    private static String who(Person person) {
        return MessageBodies.who(person.name(), person.email(), "user " + person.id());
    }

    private static JsonNode unwrap(JsonNode node, String wrapper) {
        JsonNode inner = node.get(wrapper);
        return inner != null && inner.isObject() && node.size() == 1 ? inner : node;
    }
}
