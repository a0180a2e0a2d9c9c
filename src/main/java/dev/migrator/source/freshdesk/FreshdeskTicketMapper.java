package dev.migrator.source.freshdesk;

import static dev.migrator.source.json.JsonFields.array;
import static dev.migrator.source.json.JsonFields.bool;
import static dev.migrator.source.json.JsonFields.object;
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
import dev.migrator.source.json.JsonFields.AttachmentFields;
import dev.migrator.source.json.JsonRecordMapper;
import dev.migrator.source.json.MessageBodies;
import dev.migrator.source.json.People;
import dev.migrator.source.json.People.Company;
import dev.migrator.source.json.People.Group;
import dev.migrator.source.json.People.Person;
import dev.migrator.support.Keywords;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.lang3.StringUtils;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import tools.jackson.databind.JsonNode;

/**
 * Freshdesk's v2 API tickets, one JSON array or JSON Lines, each with its {@code conversations}
 * embedded (the shape of {@code GET /api/v2/tickets/{id}?include=conversations,requester}, with all
 * the pages of {@code GET /api/v2/tickets/{id}/conversations}: the include gives only ten), and
 * optionally the contacts and agents ({@code --users}) that name requesters and writers. The
 * ticket's description is its first message. docs/formats/freshdesk.md lists the mapping field by
 * field.
 */
final class FreshdeskTicketMapper implements JsonRecordMapper {

    /** The id of the message made of the ticket's description (conversation ids are numbers). */
    static final String DESCRIPTION_ID = "description";

    /**
     * The fields that hold a ticket's description, any one of which (not null) says the export has
     * it.
     */
    private static final List<String> DESCRIPTION_FIELDS =
            List.of("description", "description_text", "structured_description");

    /**
     * Ticket {@code source}s: 1 Email, 2 Portal, 3 Phone, 7 Chat, 9 Feedback Widget, 10 Outbound
     * Email, and the older 4 Forum, 5 Twitter, 6 Facebook, 8 MobiHelp, 11 E-commerce, 12 Bot.
     */
    private static final Set<String> TICKET_SOURCES =
            Set.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12");

    /**
     * Conversation {@code source}s: 0 Reply, 2 Note, 5 Tweet, 6 Survey feedback, 7 Facebook, 8
     * Forwarded email, 9 Phone, 11 E-commerce.
     */
    private static final Set<String> CONVERSATION_SOURCES =
            Set.of("0", "2", "5", "6", "7", "8", "9", "11");

    /** {@code source} of a ticket an agent started by email: its description is the agent's. */
    private static final String OUTBOUND_EMAIL = "10";

    /** A ticket's and a conversation's {@code attachments[]} objects. */
    private static final AttachmentFields ATTACHMENT_FIELDS =
            new AttachmentFields("attachment_url", "name", "content_type");

    /**
     * Conversation {@code source} of an email an agent forwarded to someone else, or of that
     * person's reply: the customer never received either.
     */
    private static final String FORWARDED_EMAIL = "8";

    /**
     * The fields only a group has ({@code GET /api/v2/groups}; {@code agent_ids} only when viewed
     * one by one): a record of the people file with any of them is a group.
     */
    private static final List<String> GROUP_FIELDS =
            List.of("agent_ids", "escalate_to", "unassigned_for", "auto_ticket_assign");

    /** The field only a company has ({@code GET /api/v2/companies}), an array, maybe empty. */
    private static final String COMPANY_FIELD = "domains";

    /**
     * The key a company is known by in Intercom: Freshdesk's id with this prefix, so that it never
     * collides with another helpdesk's.
     */
    static final String COMPANY_PREFIX = "freshdesk-company-";

    /** Freshdesk's ticket priorities by their codes. */
    private static final Map<String, String> PRIORITIES =
            Map.of("1", "Low", "2", "Medium", "3", "High", "4", "Urgent");

    private final People people;

    /**
     * @param people the contacts and agents of {@code --users}, or {@code null} when none was given
     */
    FreshdeskTicketMapper(People people) {
        this.people = people;
    }

    /**
     * One record of the people file: an agent ({@code {"id","contact":{"name","email",…},…}}, the
     * shape of the agents API), a group ({@code {"id","name","escalate_to","unassigned_for",…}}), a
     * company ({@code {"id","name","domains":[…],…}}), else a contact ({@code
     * {"id","name","email","unique_external_id","company_id",…}}). Each is told by fields that only
     * its kind has in Freshdesk's API.
     */
    static People.Entry entry(JsonNode node) {
        if (!node.isObject()) {
            return null;
        }
        String id = text(node, "id", "id");
        JsonNode agentContact = object(node, "contact", "contact");
        if (agentContact != null) {
            return new Person(
                    id,
                    text(agentContact, "email", "contact.email"),
                    null,
                    text(agentContact, "name", "contact.name"),
                    true);
        }
        if (GROUP_FIELDS.stream().anyMatch(node::has)) {
            return new Group(id, text(node, "name", "name"));
        }
        if (node.has(COMPANY_FIELD)) {
            return new Company(id, text(node, "name", "name"), null);
        }
        return new Person(
                id,
                text(node, "email", "email"),
                text(node, "unique_external_id", "unique_external_id"),
                text(node, "name", "name"),
                false,
                text(node, "company_id", "company_id"));
    }

    @Override
    public SourceConversation toConversation(JsonNode ticket) {
        JsonFields.requireRecord(ticket, "ticket");
        String id = text(ticket, "id", "id");
        String label = "ticket " + id;
        // Deleted (in Freshdesk's trash) and spam tickets are never migrated, and that is said
        // before anything else is looked at (case 11 of issue 12).
        if (bool(ticket, "deleted", "deleted", false)) {
            throw new InvalidRecordException(
                    label + ": deleted in Freshdesk (deleted: true); not migrated");
        }
        if (bool(ticket, "spam", "spam", false)) {
            throw new InvalidRecordException(label + ": marked as spam in Freshdesk; not migrated");
        }
        String status = status(ticket, label);
        String requesterId = text(ticket, "requester_id", "requester_id");
        Person requester = requester(ticket, label, requesterId);
        if (StringUtils.isBlank(requester.email()) && StringUtils.isBlank(requester.externalId())) {
            throw new InvalidRecordException(
                    label
                            + ": requester "
                            + (requesterId != null ? requesterId : requester.id())
                            + " has neither an email nor an external id (unique_external_id)");
        }
        if (ticket.get("conversations") == null) {
            throw new InvalidRecordException(
                    label
                            + " has no conversations field: export the tickets with their "
                            + "conversations (GET /api/v2/tickets/{id}/conversations)");
        }
        if (DESCRIPTION_FIELDS.stream().noneMatch(ticket::hasNonNull)) {
            // "List All Tickets" leaves the description out unless asked for: without it the
            // customer's first message would be lost without a word.
            throw new InvalidRecordException(
                    label
                            + " has no description field (description, description_text or"
                            + " structured_description): export the tickets with"
                            + " include=description, or one by one (GET /api/v2/tickets/{id})");
        }
        List<String> warnings = new ArrayList<>();
        String ticketSource = text(ticket, "source", "source");
        if (ticketSource != null && !Keywords.isIn(ticketSource, TICKET_SOURCES)) {
            warnings.add(
                    label
                            + ": source '"
                            + ticketSource
                            + "' is not a Freshdesk ticket source; its description was read as the"
                            + " requester's message");
        }
        List<SourceMessage> messages = new ArrayList<>();
        description(ticket).ifPresent(messages::add);
        List<JsonNode> conversations = array(ticket, "conversations", "conversations");
        if (messages.isEmpty() && conversations.isEmpty()) {
            throw new InvalidRecordException(
                    label
                            + " has nothing to migrate: its description is empty (no text, no"
                            + " image, no attachment) and its conversations array is empty");
        }
        for (int i = 0; i < conversations.size(); i++) {
            messages.add(
                    message(
                            conversations.get(i),
                            "conversations[" + i + "]",
                            label,
                            requester,
                            warnings));
        }
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
                        SourceSystem.FRESHDESK,
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
     * The email of the agent of {@code responder_id}; one the people file does not list as an agent
     * leaves the ticket unassigned, with a warning.
     */
    private String assignee(JsonNode ticket, String label, List<String> warnings) {
        String responderId = text(ticket, "responder_id", "responder_id");
        if (responderId == null) {
            return null;
        }
        Optional<Person> responder = agent(responderId);
        if (responder.isPresent() && StringUtils.isNotBlank(responder.get().email())) {
            return responder.get().email();
        }
        String why;
        if (people == null) {
            why = "responder " + responderId + " cannot be named without the agents (--users)";
        } else if (responder.isPresent()) {
            why = "responder " + responderId + " has no email in the users file";
        } else if (contact(responderId).isPresent()) {
            why = "responder " + responderId + " is a contact, not an agent, in the users file";
        } else {
            why = people.missing("responder", responderId);
        }
        warnings.add(label + ": " + why + "; left unassigned");
        return null;
    }

    /** The name of the group of {@code group_id} when the people file holds it, else its id. */
    private String team(JsonNode ticket) {
        String groupId = text(ticket, "group_id", "group_id");
        return Optional.ofNullable(people)
                .flatMap(p -> p.group(groupId))
                .map(Group::name)
                .filter(StringUtils::isNotBlank)
                .orElse(groupId);
    }

    /**
     * {@code priority} (by its label) and {@code type} under their names, then each custom field
     * under its name; fields without a value are left out.
     */
    private static Map<String, String> fields(
            JsonNode ticket, String label, List<String> warnings) {
        Map<String, String> fields = new LinkedHashMap<>();
        String priority = orWarning(() -> text(ticket, "priority", "priority"), label, warnings);
        if (priority != null) {
            fields.put("priority", priorityLabel(priority, label, warnings));
        }
        String type = orWarning(() -> text(ticket, "type", "type"), label, warnings);
        if (type != null) {
            fields.put("type", type);
        }
        JsonNode customFields =
                orWarning(() -> object(ticket, "custom_fields", "custom_fields"), label, warnings);
        if (customFields != null) {
            for (Map.Entry<String, JsonNode> field : customFields.properties()) {
                String value =
                        orWarning(
                                () ->
                                        JsonFields.fieldValue(
                                                field.getValue(),
                                                "custom_fields." + field.getKey()),
                                label,
                                warnings);
                if (value != null) {
                    fields.put(field.getKey(), value);
                }
            }
        }
        return fields;
    }

    /**
     * Freshdesk's label of a priority code (1 Low, 2 Medium, 3 High, 4 Urgent), or of the label
     * itself in any case; any other value is kept as written, with a warning.
     */
    private static String priorityLabel(String written, String label, List<String> warnings) {
        String code = written.trim();
        if (PRIORITIES.containsKey(code)) {
            return PRIORITIES.get(code);
        }
        Optional<String> named =
                PRIORITIES.values().stream().filter(p -> p.equalsIgnoreCase(code)).findFirst();
        if (named.isPresent()) {
            return named.get();
        }
        warnings.add(
                label
                        + ": priority '"
                        + written
                        + "' is not a Freshdesk priority (1 Low, 2 Medium, 3 High, 4 Urgent);"
                        + " kept as written");
        return written;
    }

    /**
     * The ticket's company ({@code company_id}, or the embedded {@code company} of {@code
     * include=company}), else the requester's, named by the embedded company or the people file.
     */
    private SourceCompany company(JsonNode ticket, Person requester) {
        JsonNode embedded = object(ticket, "company", "company");
        String embeddedId = embedded == null ? null : text(embedded, "id", "company.id");
        String companyId = text(ticket, "company_id", "company_id");
        if (companyId == null) {
            companyId = embeddedId != null ? embeddedId : requester.companyId();
        }
        if (companyId == null) {
            return null;
        }
        String name =
                embedded != null && (embeddedId == null || embeddedId.equals(companyId))
                        ? text(embedded, "name", "company.name")
                        : null;
        if (StringUtils.isBlank(name) && people != null) {
            name = people.company(companyId).map(Company::name).orElse(null);
        }
        return new SourceCompany(COMPANY_PREFIX + companyId, name);
    }

    /**
     * The ticket's status as the planner reads it. A status Freshdesk does not have says the export
     * is not what the preset reads: the ticket is kept out rather than guessed open or closed.
     */
    private static String status(JsonNode ticket, String label) {
        String written = text(ticket, "status", "status");
        return FreshdeskFormat.status(written)
                .orElseThrow(
                        () ->
                                new InvalidRecordException(
                                        label
                                                + ": status '"
                                                + written
                                                + "' is not a Freshdesk status (2 Open, 3 Pending,"
                                                + " 4 Resolved, 5 Closed, or a custom status's"
                                                + " number); not migrated"));
    }

    /**
     * The embedded {@code requester} when there is one, completed by the people file's record of
     * the same id (the embedded one has no {@code unique_external_id}); else the people file's.
     */
    private Person requester(JsonNode ticket, String label, String requesterId) {
        JsonNode embedded = object(ticket, "requester", "requester");
        // A requester is a customer first: the contact of that id, else an agent who raised it.
        Optional<Person> listed = contact(requesterId).or(() -> agent(requesterId));
        if (embedded != null) {
            String embeddedId = text(embedded, "id", "requester.id");
            Person inline =
                    new Person(
                            embeddedId != null ? embeddedId : requesterId,
                            text(embedded, "email", "requester.email"),
                            text(embedded, "unique_external_id", "requester.unique_external_id"),
                            text(embedded, "name", "requester.name"),
                            false);
            return listed.map(
                            p ->
                                    new Person(
                                            inline.id(),
                                            StringUtils.defaultIfBlank(inline.email(), p.email()),
                                            StringUtils.defaultIfBlank(
                                                    inline.externalId(), p.externalId()),
                                            StringUtils.defaultIfBlank(inline.name(), p.name()),
                                            p.agent(),
                                            p.companyId()))
                    .orElse(inline);
        }
        if (people == null) {
            throw new InvalidRecordException(
                    label
                            + ": requester "
                            + (requesterId != null ? requesterId : "(none)")
                            + " is not embedded in the ticket and no --users file was given: export"
                            + " the tickets with include=requester, or give the contacts with"
                            + " --users");
        }
        return listed.orElseThrow(
                () ->
                        new InvalidRecordException(
                                label + ": " + people.missing("requester", requesterId)));
    }

    /**
     * The description as the ticket's first message: the requester's words, or the responder's when
     * an agent started the ticket by email ({@code source} 10). A description with nothing in it
     * (no text, no image, no attachment) is no message.
     */
    private Optional<SourceMessage> description(JsonNode ticket) {
        String body = MessageBodies.htmlOrPlain(ticket, "", "description", "description_text");
        if (isEmpty(body)) {
            body = structuredDescription(ticket);
        }
        List<SourceAttachment> attachments =
                JsonFields.attachments(ticket, "attachments", ATTACHMENT_FIELDS, "attachments");
        if (isEmpty(body) && attachments.isEmpty()) {
            return Optional.empty();
        }
        String createdAt = text(ticket, "created_at", "created_at");
        String source = text(ticket, "source", "source");
        if (OUTBOUND_EMAIL.equals(source == null ? null : source.trim())) {
            String responderId = text(ticket, "responder_id", "responder_id");
            Person responder = agent(responderId).orElse(null);
            return Optional.of(
                    new SourceMessage(
                            DESCRIPTION_ID,
                            "agent",
                            responder == null ? null : responder.email(),
                            responder == null ? null : responder.name(),
                            body,
                            createdAt,
                            attachments,
                            false));
        }
        return Optional.of(
                new SourceMessage(
                        DESCRIPTION_ID,
                        "contact",
                        null,
                        null,
                        body,
                        createdAt,
                        attachments,
                        false));
    }

    /**
     * The text of {@code structured_description} ({@code
     * {"description_contents":[{"data":{"content":…}},…]}}, what "List All Tickets" gives instead
     * of {@code description} on accounts created after 2018-11-30), its contents in order: HTML
     * kept as written, plain text preformatted. {@code null} when it has none.
     */
    private static String structuredDescription(JsonNode ticket) {
        JsonNode structured = object(ticket, "structured_description", "structured_description");
        if (structured == null) {
            return null;
        }
        List<JsonNode> contents =
                array(
                        structured,
                        "description_contents",
                        "structured_description.description_contents");
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < contents.size(); i++) {
            String path = "structured_description.description_contents[" + i + "]";
            JsonFields.requireObject(contents.get(i), path);
            JsonNode data = object(contents.get(i), "data", path + ".data");
            String content = data == null ? null : text(data, "content", path + ".data.content");
            if (StringUtils.isBlank(content)) {
                continue;
            }
            boolean html = !Jsoup.parseBodyFragment(content).body().children().isEmpty();
            body.append(html ? content : MessageBodies.preformatted(content));
        }
        return body.isEmpty() ? null : body.toString();
    }

    private SourceMessage message(
            JsonNode conversation,
            String path,
            String label,
            Person requester,
            List<String> warnings) {
        JsonFields.requireObject(conversation, path);
        String messageId = text(conversation, "id", path + ".id");
        String userId = text(conversation, "user_id", path + ".user_id");
        String fromEmail = text(conversation, "from_email", path + ".from_email");
        boolean incoming = bool(conversation, "incoming", path + ".incoming", false);
        String source = text(conversation, "source", path + ".source");
        boolean forwarded = FORWARDED_EMAIL.equals(source == null ? null : source.trim());
        if (source != null && !Keywords.isIn(source, CONVERSATION_SOURCES)) {
            warnings.add(
                    label
                            + ", conversation "
                            + (messageId != null ? messageId : path)
                            + ": source '"
                            + source
                            + "' is not a Freshdesk conversation source; read by its private,"
                            + " incoming and user_id fields");
        }
        boolean isPrivate = bool(conversation, "private", path + ".private", false) || forwarded;
        String body = MessageBodies.htmlOrPlain(conversation, path + ".", "body", "body_text");
        List<SourceAttachment> attachments =
                JsonFields.attachments(
                        conversation, "attachments", ATTACHMENT_FIELDS, path + ".attachments");
        String createdAt = text(conversation, "created_at", path + ".created_at");
        Optional<Person> asAgent = agent(userId);
        Optional<Person> asContact = contact(userId);
        // Contacts and agents can share an id: the conversation's own fields say in which role
        // this one was written.
        boolean byCustomer =
                asAgent.isPresent() && asContact.isPresent()
                        ? incoming || isRequester(userId, fromEmail, requester)
                        : asAgent.isEmpty() && (asContact.isPresent() || incoming);
        Optional<Person> writer = byCustomer ? asContact : asAgent;

        if (isPrivate) {
            // Private content, like a forward, is never shown to the customer: always a note; only
            // an agent writes it in their own name.
            if (!byCustomer && writer.isPresent()) {
                return new SourceMessage(
                        messageId,
                        "agent",
                        writer.get().email(),
                        writer.get().name(),
                        body,
                        createdAt,
                        attachments,
                        true);
            }
            return new SourceMessage(
                    messageId,
                    "agent",
                    null,
                    null,
                    MessageBodies.attributed(
                            "Private comment from", who(writer, userId, fromEmail), body),
                    createdAt,
                    attachments,
                    true);
        }
        if (byCustomer) {
            // A customer's words: the writer's role decides when the people file knows them in one
            // role only, else the incoming flag.
            String words =
                    isRequester(userId, fromEmail, requester)
                            ? body
                            : MessageBodies.attributed(
                                    "From", who(writer, userId, fromEmail), body);
            return new SourceMessage(
                    messageId, "contact", null, null, words, createdAt, attachments, false);
        }
        // An agent's public reply; an agent the people file does not know is written by the default
        // admin.
        Person agent = writer.orElse(null);
        return new SourceMessage(
                messageId,
                "agent",
                agent == null ? null : agent.email(),
                agent == null ? null : agent.name(),
                body,
                createdAt,
                attachments,
                false);
    }

    /** The agent the people file lists with {@code id}. */
    private Optional<Person> agent(String id) {
        return listed(id).filter(Person::agent).findFirst();
    }

    /** The contact the people file lists with {@code id}. */
    private Optional<Person> contact(String id) {
        return listed(id).filter(p -> !p.agent()).findFirst();
    }

    private Stream<Person> listed(String id) {
        return people == null ? Stream.empty() : people.all(id).stream();
    }

    /**
     * Whether an incoming message is the requester's: by user id, else by sender address, else
     * assumed.
     */
    private static boolean isRequester(String userId, String fromEmail, Person requester) {
        if (userId != null) {
            return userId.equals(requester.id());
        }
        if (fromEmail != null && requester.email() != null) {
            return addressOf(fromEmail).equalsIgnoreCase(requester.email().trim());
        }
        return true;
    }

    /**
     * "Name (email)" of whoever wrote a message, from the people file, else from its sender
     * address, else its id.
     */
    private static String who(Optional<Person> writer, String userId, String fromEmail) {
        String name = writer.map(Person::name).orElse(null);
        String email = writer.map(Person::email).orElse(null);
        String fallback =
                StringUtils.isNotBlank(fromEmail)
                        ? fromEmail.trim()
                        : userId != null ? "user " + userId : "an unknown user";
        return MessageBodies.who(name, email, fallback);
    }

    /**
     * The address in a sender such as {@code "Ann Lee <ann@example.org>"}, or the sender as
     * written.
     */
    private static String addressOf(String sender) {
        int open = sender.lastIndexOf('<');
        int close = sender.lastIndexOf('>');
        return open >= 0 && close > open ? sender.substring(open + 1, close).trim() : sender.trim();
    }

    /** No text and no image: what the planner would call an empty body. */
    private static boolean isEmpty(String html) {
        if (StringUtils.isBlank(html)) {
            return true;
        }
        Document document = Jsoup.parse(html);
        return document.text().replace('\u00a0', ' ').isBlank() && document.select("img").isEmpty();
    }
}
