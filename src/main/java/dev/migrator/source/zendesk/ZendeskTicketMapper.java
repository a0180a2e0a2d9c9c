package dev.migrator.source.zendesk;

import static dev.migrator.source.json.JsonFields.array;
import static dev.migrator.source.json.JsonFields.bool;
import static dev.migrator.source.json.JsonFields.orWarning;
import static dev.migrator.source.json.JsonFields.strings;
import static dev.migrator.source.json.JsonFields.text;

import dev.migrator.source.InvalidRecordException;
import dev.migrator.source.SourceAttachment;
import dev.migrator.source.SourceConversation;
import dev.migrator.source.SourceConversation.Details;
import dev.migrator.source.SourceConversation.SourceCompany;
import dev.migrator.source.SourceConversation.SourceContact;
import dev.migrator.source.SourceConversation.SourceMessage;
import dev.migrator.source.SourceSystem;
import dev.migrator.source.json.JsonFields;
import dev.migrator.source.json.JsonRecordMapper;
import dev.migrator.source.json.JsonValues;
import dev.migrator.source.json.MessageBodies;
import dev.migrator.source.json.People;
import dev.migrator.source.json.People.Company;
import dev.migrator.source.json.People.Group;
import dev.migrator.source.json.People.Person;
import dev.migrator.support.Keywords;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.lang3.StringUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

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

    /**
     * The key a company is known by in Intercom when its organization has no {@code external_id}:
     * Zendesk's id with this prefix, so that it never collides with another helpdesk's.
     */
    static final String ORGANIZATION_PREFIX = "zendesk-organization-";

    /**
     * The lists a page of Zendesk's API may hold, and the wrapper Zendesk writes a single record of
     * each in: {@code {"group":{…}}}.
     */
    private static final Map<String, String> SIDELOADS =
            Map.of("users", "user", "groups", "group", "organizations", "organization");

    /** Zendesk's standard ticket fields that {@code mapping.attributes} can name. */
    private static final List<String> STANDARD_FIELDS = List.of("priority", "type");

    private final People users;

    ZendeskTicketMapper(People users) {
        this.users = users;
    }

    /**
     * The records one value of the users file holds. A page of the List Users API ({@code
     * {"users":[…],"next_page":…,"count":…}}) holds its users, and the groups and organizations
     * Zendesk sideloads next to them ({@code "groups":[…]}, {@code "organizations":[…]}; a page of
     * the List Groups or List Organizations API holds just those); each group and organization is
     * handed on as Zendesk writes a single one, {@code {"group":{…}}}, {@code
     * {"organization":{…}}}. Any other value is one record itself.
     */
    static List<JsonNode> usersOf(JsonNode value) {
        List<JsonNode> records = new ArrayList<>();
        boolean page = false;
        for (Map.Entry<String, String> sideload : SIDELOADS.entrySet()) {
            JsonNode listed = value.get(sideload.getKey());
            if (listed != null && listed.isArray()) {
                page = true;
                listed.forEach(record -> records.add(wrapped(sideload.getValue(), record)));
            }
        }
        return page ? records : List.of(value);
    }

    private static JsonNode wrapped(String name, JsonNode record) {
        ObjectNode wrapper = JsonValues.MAPPER.createObjectNode();
        wrapper.set(name, record);
        return wrapper;
    }

    /**
     * One record of the users file: a group ({@code {"group":{…}}}), an organization ({@code
     * {"organization":{…}}}), else a user ({@code {"user":{…}}} or the bare user).
     */
    static People.Entry entry(JsonNode node) {
        if (!node.isObject()) {
            return null;
        }
        JsonNode group = unwrap(node, "group");
        if (group != node) {
            return new Group(text(group, "id", "group.id"), text(group, "name", "group.name"));
        }
        JsonNode organization = unwrap(node, "organization");
        if (organization != node) {
            return new Company(
                    text(organization, "id", "organization.id"),
                    text(organization, "name", "organization.name"),
                    text(organization, "external_id", "organization.external_id"));
        }
        return person(node);
    }

    /** One user of the users file: {@code {"user":{…}}} or the bare user. */
    private static Person person(JsonNode node) {
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
                role != null && AGENT_ROLES.contains(role.toLowerCase(Locale.ROOT)),
                text(user, "organization_id", "organization_id"));
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
        List<String> warnings = new ArrayList<>();
        Details details = details(ticket, label, requester, warnings);
        return new SourceConversation(
                        id,
                        text(ticket, "subject", "subject"),
                        text(ticket, "created_at", "created_at"),
                        status,
                        strings(ticket, "tags", "tags"),
                        new SourceContact(
                                requester.email(),
                                requester.externalId(),
                                requester.name(),
                                "user"),
                        messages,
                        SourceSystem.ZENDESK,
                        List.copyOf(warnings))
                .withDetails(details);
    }

    /**
     * What the agent saw around the thread. None of it is worth losing the thread for: a value that
     * cannot be read is left out with a warning, and the ticket still migrates.
     */
    private Details details(
            JsonNode ticket, String label, Person requester, List<String> warnings) {
        return new Details(
                orWarning(() -> assignee(ticket, label, warnings), label, warnings),
                orWarning(() -> team(ticket), label, warnings),
                fields(ticket, label, warnings),
                orWarning(() -> company(ticket, requester), label, warnings));
    }

    /**
     * The email of the agent of {@code assignee_id}; an id the users file does not hold leaves the
     * ticket unassigned, with a warning.
     */
    private String assignee(JsonNode ticket, String label, List<String> warnings) {
        String assigneeId = text(ticket, "assignee_id", "assignee_id");
        if (assigneeId == null) {
            return null;
        }
        Optional<Person> assignee = users.find(assigneeId);
        if (assignee.isEmpty()) {
            warnings.add(
                    label + ": " + users.missing("assignee", assigneeId) + "; left unassigned");
            return null;
        }
        if (StringUtils.isBlank(assignee.get().email())) {
            warnings.add(
                    label
                            + ": assignee "
                            + assigneeId
                            + " has no email in the users file; left unassigned");
            return null;
        }
        return assignee.get().email();
    }

    /** The name of the group of {@code group_id} when the users file holds it, else its id. */
    private String team(JsonNode ticket) {
        String groupId = text(ticket, "group_id", "group_id");
        return users.group(groupId)
                .map(Group::name)
                .filter(StringUtils::isNotBlank)
                .orElse(groupId);
    }

    /**
     * {@code priority} and {@code type} under their names, then each custom field under its id;
     * fields without a value are left out.
     */
    private static Map<String, String> fields(
            JsonNode ticket, String label, List<String> warnings) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String standard : STANDARD_FIELDS) {
            putIfPresent(
                    fields,
                    standard,
                    orWarning(() -> text(ticket, standard, standard), label, warnings));
        }
        List<JsonNode> customFields =
                orWarning(() -> array(ticket, "custom_fields", "custom_fields"), label, warnings);
        for (int i = 0; customFields != null && i < customFields.size(); i++) {
            JsonNode field = customFields.get(i);
            String path = "custom_fields[" + i + "]";
            String fieldId =
                    orWarning(
                            () -> {
                                JsonFields.requireObject(field, path);
                                return text(field, "id", path + ".id");
                            },
                            label,
                            warnings);
            if (fieldId != null) {
                putIfPresent(
                        fields,
                        fieldId,
                        orWarning(
                                () -> JsonFields.fieldValue(field.get("value"), path + ".value"),
                                label,
                                warnings));
            }
        }
        return fields;
    }

    /**
     * The ticket's organization, else the requester's, named by the organizations the users file
     * holds: keyed on its {@code external_id}, else on its Zendesk id.
     */
    private SourceCompany company(JsonNode ticket, Person requester) {
        String organizationId = text(ticket, "organization_id", "organization_id");
        if (organizationId == null) {
            organizationId = requester.companyId();
        }
        if (organizationId == null) {
            return null;
        }
        Optional<Company> organization = users.company(organizationId);
        String externalId = organization.map(Company::externalId).orElse(null);
        return new SourceCompany(
                StringUtils.isNotBlank(externalId)
                        ? externalId
                        : ORGANIZATION_PREFIX + organizationId,
                organization.map(Company::name).orElse(null));
    }

    private static void putIfPresent(Map<String, String> fields, String key, String value) {
        if (value != null) {
            fields.put(key, value);
        }
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
        List<SourceAttachment> attachments = attachments(comment, path + ".attachments");
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
     * A comment's files: each one's {@code content_url}, {@code file_name} and {@code
     * content_type}. An image's thumbnails are attachment objects too (its {@code thumbnails}
     * array): one listed again among the comment's attachments is left out, so that each file is
     * sent once, at its full size.
     */
    private static List<SourceAttachment> attachments(JsonNode comment, String path) {
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
        List<SourceAttachment> files = new ArrayList<>(listed.size());
        for (int i = 0; i < listed.size(); i++) {
            String at = path + "[" + i + "]";
            String url = text(listed.get(i), "content_url", at + ".content_url");
            String id = text(listed.get(i), "id", at + ".id");
            if (url != null && !thumbnailUrls.contains(url) && !thumbnailIds.contains(id)) {
                files.add(
                        new SourceAttachment(
                                url,
                                text(listed.get(i), "file_name", at + ".file_name"),
                                text(listed.get(i), "content_type", at + ".content_type")));
            }
        }
        return files;
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
