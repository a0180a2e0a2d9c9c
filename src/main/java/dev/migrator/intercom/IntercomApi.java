package dev.migrator.intercom;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The Intercom calls the migration makes, with their exact payloads (API 2.16 shapes). */
public class IntercomApi {

    private static final Pattern EXISTING_CONTACT_ID = Pattern.compile("id=([0-9a-zA-Z_-]+)");

    private final IntercomTransport transport;
    private final JsonMapper mapper;

    public IntercomApi(IntercomTransport transport, JsonMapper mapper) {
        this.transport = transport;
        this.mapper = mapper;
    }

    /** The workspace the token belongs to, and the admin who owns the token. */
    public record Workspace(String appId, String name, String adminId) {}

    public Workspace me() {
        JsonNode me = transport.exchange(ApiRequest.get("/me"));
        return new Workspace(
                me.path("app").path("id_code").asString(null),
                me.path("app").path("name").asString(null),
                me.path("id").asString(null));
    }

    /** Admin ids by lower-case email. */
    public Map<String, String> adminIdsByEmail() {
        Map<String, String> admins = new LinkedHashMap<>();
        for (JsonNode admin : transport.exchange(ApiRequest.get("/admins")).path("admins")) {
            String email = admin.path("email").asString(null);
            if (email != null) {
                admins.put(email.toLowerCase(Locale.ROOT), admin.path("id").asString());
            }
        }
        return admins;
    }

    /**
     * A conversation attribute of the workspace: its name, type ({@code string}, {@code integer},
     * {@code decimal}, {@code boolean}, {@code datetime}, {@code list}, {@code relationship},
     * {@code files}) and, for a list, the labels of its options not archived.
     */
    public record ConversationAttribute(String name, String dataType, List<String> options) {
        public ConversationAttribute {
            options = options == null ? List.of() : List.copyOf(options);
        }
    }

    /**
     * The workspace's conversation attributes, archived ones left out. ({@code GET
     * /data_attributes?model=conversation} answers 422 since 2.16: this is where they are listed.)
     */
    public List<ConversationAttribute> conversationAttributes() {
        List<ConversationAttribute> attributes = new ArrayList<>();
        for (JsonNode attribute :
                transport.exchange(ApiRequest.get("/conversations/attributes")).path("data")) {
            if (!attribute.path("archived").asBoolean(false)) {
                List<String> options = new ArrayList<>();
                for (JsonNode option : attribute.path("options")) {
                    if (!option.path("archived").asBoolean(false)) {
                        options.add(option.path("label").asString(""));
                    }
                }
                attributes.add(
                        new ConversationAttribute(
                                attribute.path("name").asString(""),
                                attribute.path("data_type").asString(""),
                                options));
            }
        }
        return attributes;
    }

    /** Team ids by name, as the workspace spells them. */
    public Map<String, String> teamIdsByName() {
        Map<String, String> teams = new LinkedHashMap<>();
        for (JsonNode team : transport.exchange(ApiRequest.get("/teams")).path("teams")) {
            teams.put(team.path("name").asString(""), team.path("id").asString());
        }
        return teams;
    }

    /**
     * The Intercom id of the company with this {@code company_id}, created with {@code name} if
     * there is none ({@code POST /companies} creates or updates by {@code company_id}, so repeating
     * it is safe).
     */
    public String upsertCompany(String companyId, String name) {
        ObjectNode body = mapper.createObjectNode().put("company_id", companyId);
        putIfPresent(body, "name", name);
        return transport.exchange(ApiRequest.idempotent("/companies", body)).path("id").asString();
    }

    /**
     * The Intercom id of the company whose {@code company_id} is this, if the workspace has one
     * ({@code GET /companies?company_id=}, answered 404 when it has none).
     */
    public Optional<String> findCompany(String companyId) {
        try {
            JsonNode found =
                    transport.exchange(
                            ApiRequest.get(
                                    "/companies?company_id="
                                            + URLEncoder.encode(
                                                    companyId, StandardCharsets.UTF_8)));
            JsonNode company = found.has("data") ? found.path("data").path(0) : found;
            return Optional.ofNullable(company.path("id").asString(null));
        } catch (ApiErrorException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Deletes the conversation; {@code retainMetrics} keeps its reporting data. False when it was
     * gone already (404).
     */
    public boolean deleteConversation(String conversationId, boolean retainMetrics) {
        return deleted("/conversations/" + conversationId + "?retain_metrics=" + retainMetrics);
    }

    /** Deletes the contact. False when it was gone already (404). */
    public boolean deleteContact(String contactId) {
        return deleted("/contacts/" + contactId);
    }

    /** Deletes the company (by its Intercom id). False when it was gone already (404). */
    public boolean deleteCompany(String companyIntercomId) {
        return deleted("/companies/" + companyIntercomId);
    }

    private boolean deleted(String path) {
        try {
            transport.exchange(ApiRequest.delete(path));
            return true;
        } catch (ApiErrorException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    /**
     * The contacts attached to the company ({@code GET /companies/{id}/contacts}, its first page);
     * none when the company is gone (404).
     */
    public FirstPage contactsOfCompany(String companyIntercomId) {
        try {
            JsonNode found =
                    transport.exchange(
                            ApiRequest.get("/companies/" + companyIntercomId + "/contacts"));
            return FirstPage.of(found, found.path("data"));
        } catch (ApiErrorException e) {
            if (e.status() == 404) {
                return new FirstPage(List.of(), false);
            }
            throw e;
        }
    }

    /**
     * Attaches the contact to the company (its Intercom id); attaching it again changes nothing.
     */
    public void attachCompany(String contactId, String companyIntercomId) {
        transport.exchange(
                ApiRequest.idempotent(
                        "/contacts/" + contactId + "/companies",
                        mapper.createObjectNode().put("id", companyIntercomId)));
    }

    /** Who a conversation is assigned to: an admin or a team. */
    public enum AssigneeKind {
        ADMIN,
        TEAM;

        public String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Assigns the conversation to an admin or a team, by {@code actorAdminId}, without a message
     * (and so without notifying anyone). Adds an assignment part: not to be repeated blindly.
     */
    public void assign(
            String conversationId, String actorAdminId, AssigneeKind kind, String assigneeId) {
        ObjectNode body =
                mapper.createObjectNode()
                        .put("message_type", "assignment")
                        .put("type", kind.apiName())
                        .put("admin_id", actorAdminId)
                        .put("assignee_id", assigneeId);
        transport.exchange(ApiRequest.create("/conversations/" + conversationId + "/parts", body));
    }

    /** A contact search found: its id and the keys it really carries (either may be null). */
    public record FoundContact(String id, String email, String externalId) {}

    public Optional<FoundContact> findContact(String field, String value) {
        ObjectNode query = mapper.createObjectNode();
        query.putObject("query").put("field", field).put("operator", "=").put("value", value);
        return searchContacts(query).stream().findFirst();
    }

    /**
     * The contacts with this email or this external id, in one search (an {@code OR} query): the
     * first page of Intercom's answer.
     */
    public List<FoundContact> findContacts(String email, String externalId) {
        ObjectNode query = mapper.createObjectNode();
        ArrayNode either = query.putObject("query").put("operator", "OR").putArray("value");
        either.addObject().put("field", "email").put("operator", "=").put("value", email);
        either.addObject()
                .put("field", "external_id")
                .put("operator", "=")
                .put("value", externalId);
        return searchContacts(query);
    }

    private List<FoundContact> searchContacts(ObjectNode query) {
        List<FoundContact> found = new ArrayList<>();
        for (JsonNode contact :
                transport.exchange(ApiRequest.read("/contacts/search", query)).path("data")) {
            found.add(
                    new FoundContact(
                            contact.path("id").asString(),
                            contact.path("email").asString(null),
                            contact.path("external_id").asString(null)));
        }
        return found;
    }

    /**
     * What one part says: its plain-text body, the attachments Intercom fetches from their URLs,
     * the files the migrator carries itself (a reply only: a conversation's create takes URLs
     * alone) and its original time (unix seconds).
     */
    public record Content(
            String body, List<String> attachmentUrls, List<AttachmentFile> files, long createdAt) {

        public Content {
            files = files == null ? List.of() : List.copyOf(files);
        }

        /** A part whose attachments are all URLs. */
        public Content(String body, List<String> attachmentUrls, long createdAt) {
            this(body, attachmentUrls, List.of(), createdAt);
        }
    }

    /**
     * A contact {@link #createContact} answered with: {@code created} when this POST made it, false
     * when Intercom's 409 named one that existed (possibly made by a first attempt of the same POST
     * whose answer was lost: not sure, so not counted as created).
     */
    public record NewContact(String id, boolean created) {}

    /**
     * Creates the contact ({@code role}: {@code user} or {@code lead}), or adopts the existing one
     * Intercom names in its 409 answer; so repeating it is safe.
     */
    public NewContact createContact(String role, String email, String externalId, String name) {
        ObjectNode body = mapper.createObjectNode().put("role", role);
        putIfPresent(body, "email", email);
        putIfPresent(body, "external_id", externalId);
        putIfPresent(body, "name", name);
        try {
            return new NewContact(
                    transport
                            .exchange(ApiRequest.idempotent("/contacts", body))
                            .path("id")
                            .asString(),
                    true);
        } catch (ApiErrorException e) {
            Matcher existing = EXISTING_CONTACT_ID.matcher(e.apiMessage());
            if (e.status() == 409 && existing.find()) {
                return new NewContact(existing.group(1), false);
            }
            throw e;
        }
    }

    /**
     * Opens the conversation from the contact ({@code contactType}: {@code user} or {@code lead});
     * returns its id.
     */
    public String createConversation(
            String contactId, String contactType, String subject, Content opening) {
        ObjectNode body = mapper.createObjectNode();
        body.putObject("from").put("type", contactType).put("id", contactId);
        body.put("body", opening.body());
        putIfPresent(body, "subject", subject);
        putAttachments(body, opening.attachmentUrls());
        body.put("created_at", opening.createdAt());
        if (!opening.files().isEmpty()) {
            throw new IllegalArgumentException(
                    "a conversation's create takes attachment URLs only");
        }
        return transport
                .exchange(ApiRequest.create("/conversations", body))
                .path("conversation_id")
                .asString();
    }

    public void replyAsContact(String conversationId, String contactId, Content part) {
        ObjectNode body =
                mapper.createObjectNode()
                        .put("message_type", "comment")
                        .put("type", "user")
                        .put("intercom_user_id", contactId)
                        .put("body", part.body())
                        .put("created_at", part.createdAt());
        putAttachments(body, part.attachmentUrls());
        transport.exchange(
                ApiRequest.create(
                        "/conversations/" + conversationId + "/reply", body, part.files()));
    }

    /**
     * An agent's part: a note when internal, otherwise a comment that must not email the customer.
     */
    public void replyAsAdmin(String conversationId, String adminId, boolean note, Content part) {
        ObjectNode body =
                mapper.createObjectNode()
                        .put("message_type", note ? "note" : "comment")
                        .put("type", "admin")
                        .put("admin_id", adminId)
                        .put("body", part.body())
                        .put("created_at", part.createdAt());
        putAttachments(body, part.attachmentUrls());
        body.put("skip_notifications", true);
        transport.exchange(
                ApiRequest.create(
                        "/conversations/" + conversationId + "/reply", body, part.files()));
    }

    public void close(String conversationId, String adminId) {
        ObjectNode body =
                mapper.createObjectNode()
                        .put("message_type", "close")
                        .put("type", "admin")
                        .put("admin_id", adminId);
        transport.exchange(ApiRequest.create("/conversations/" + conversationId + "/parts", body));
    }

    /** The tag's id; Intercom creates the tag or returns the existing one of that name. */
    public String tagId(String name) {
        return transport
                .exchange(
                        ApiRequest.idempotent("/tags", mapper.createObjectNode().put("name", name)))
                .path("id")
                .asString();
    }

    public void tag(String conversationId, String tagId, String adminId) {
        transport.exchange(
                ApiRequest.idempotent(
                        "/conversations/" + conversationId + "/tags",
                        mapper.createObjectNode().put("id", tagId).put("admin_id", adminId)));
    }

    /**
     * What the migration sets on a conversation once it is in Intercom, in one {@code PUT
     * /conversations/{id}}: its title (or {@code null}) and its custom attributes (the mapped
     * fields, and the source key under {@code migration.source-attribute}), each value a {@code
     * String}, a {@code Long}, a {@code Double} or a {@code Boolean}, as the attribute's type takes
     * it.
     */
    public record ConversationUpdate(String title, Map<String, Object> customAttributes) {
        public ConversationUpdate {
            // Sorted, so that the same update always prints (and fingerprints) the same.
            customAttributes = Collections.unmodifiableMap(new TreeMap<>(customAttributes));
        }

        public boolean isEmpty() {
            return title == null && customAttributes.isEmpty();
        }
    }

    /** Sets what {@code update} holds; setting the same values again changes nothing. */
    public void updateConversation(String conversationId, ConversationUpdate update) {
        ObjectNode body = mapper.createObjectNode();
        putIfPresent(body, "title", update.title());
        if (!update.customAttributes().isEmpty()) {
            body.set("custom_attributes", mapper.valueToTree(update.customAttributes()));
        }
        transport.exchange(ApiRequest.put("/conversations/" + conversationId, body));
    }

    /** Whether the contact is still in Intercom: an admin may have deleted it since it was made. */
    public boolean contactExists(String contactId) {
        return exists(ApiRequest.get("/contacts/" + contactId));
    }

    /** Whether the conversation is still in Intercom. */
    public boolean conversationExists(String conversationId) {
        return exists(ApiRequest.get("/conversations/" + conversationId));
    }

    private boolean exists(ApiRequest get) {
        try {
            transport.exchange(get);
            return true;
        } catch (ApiErrorException e) {
            if (e.status() == 404) {
                return false;
            }
            throw e;
        }
    }

    public JsonNode conversation(String conversationId) {
        return transport.exchange(ApiRequest.get("/conversations/" + conversationId));
    }

    /**
     * Conversations of the contact created at exactly that second (search results lag behind
     * creation).
     */
    public List<JsonNode> findConversations(String contactId, long createdAt) {
        ObjectNode body = mapper.createObjectNode();
        ObjectNode query = body.putObject("query").put("operator", "AND");
        ArrayNode conditions = query.putArray("value");
        conditions
                .addObject()
                .put("field", "contact_ids")
                .put("operator", "=")
                .put("value", contactId);
        conditions
                .addObject()
                .put("field", "created_at")
                .put("operator", "=")
                .put("value", createdAt);
        body.putObject("pagination").put("per_page", 50);
        List<JsonNode> conversations = new ArrayList<>();
        transport
                .exchange(ApiRequest.read("/conversations/search", body))
                .path("conversations")
                .forEach(conversations::add);
        return conversations;
    }

    /** The ids of a list's first page, and whether the list holds more than those. */
    public record FirstPage(List<String> ids, boolean more) {
        public FirstPage {
            ids = List.copyOf(ids);
        }

        static FirstPage of(JsonNode answer, JsonNode items) {
            List<String> ids = new ArrayList<>();
            items.forEach(item -> ids.add(item.path("id").asString()));
            return new FirstPage(ids, answer.path("total_count").asLong(0) > ids.size());
        }
    }

    /**
     * The contact's conversations, as far as search shows them yet (it lags behind creates and
     * deletes): a first page of 150.
     */
    public FirstPage conversationsOfContact(String contactId) {
        ObjectNode body = mapper.createObjectNode();
        body.putObject("query")
                .put("field", "contact_ids")
                .put("operator", "=")
                .put("value", contactId);
        body.putObject("pagination").put("per_page", 150);
        JsonNode found = transport.exchange(ApiRequest.read("/conversations/search", body));
        return FirstPage.of(found, found.path("conversations"));
    }

    /** Whether the workspace holds any conversation at all (as far as search shows yet). */
    public boolean holdsConversations() {
        ObjectNode body = mapper.createObjectNode();
        body.putObject("query").put("field", "created_at").put("operator", ">").put("value", 0);
        body.putObject("pagination").put("per_page", 1);
        return !transport
                .exchange(ApiRequest.read("/conversations/search", body))
                .path("conversations")
                .isEmpty();
    }

    /** Conversations whose custom attribute {@code attribute} is exactly {@code value}. */
    public List<JsonNode> findConversationsByAttribute(String attribute, String value) {
        ObjectNode body = mapper.createObjectNode();
        body.putObject("query")
                .put("field", "custom_attributes." + attribute)
                .put("operator", "=")
                .put("value", value);
        body.putObject("pagination").put("per_page", 50);
        List<JsonNode> conversations = new ArrayList<>();
        transport
                .exchange(ApiRequest.read("/conversations/search", body))
                .path("conversations")
                .forEach(conversations::add);
        return conversations;
    }

    private void putAttachments(ObjectNode body, List<String> urls) {
        if (!urls.isEmpty()) {
            ArrayNode array = body.putArray("attachment_urls");
            urls.forEach(array::add);
        }
    }

    private static void putIfPresent(ObjectNode body, String field, String value) {
        if (value != null) {
            body.put(field, value);
        }
    }
}
