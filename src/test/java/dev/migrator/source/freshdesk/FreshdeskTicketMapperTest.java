package dev.migrator.source.freshdesk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrator.mapping.HtmlToText;
import dev.migrator.source.InputOpener;
import dev.migrator.source.InvalidRecordException;
import dev.migrator.source.SourceConversation;
import dev.migrator.source.SourceConversation.SourceContact;
import dev.migrator.source.SourceConversation.SourceMessage;
import dev.migrator.source.SourceSystem;
import dev.migrator.source.json.JsonValues;
import dev.migrator.source.json.People;
import dev.migrator.source.json.People.Person;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class FreshdeskTicketMapperTest {

    private static final String PEOPLE =
            """
            {"id":101,"contact":{"name":"Bob Stone","email":"bob@acme.example"},"type":"support_agent"}
            {"id":201,"name":"Ann Lee","email":"ann@example.org","unique_external_id":"cust-1"}
            {"id":202,"name":"Dave Kim","email":"dave@example.com","unique_external_id":null}
            {"id":203,"name":"Caller","email":null,"unique_external_id":null,"phone":"+1 555 0100"}
            {"id":204,"name":"Jonas","email":null,"unique_external_id":"cust-4"}
            """;

    @TempDir Path dir;

    private FreshdeskTicketMapper mapper;
    private Path peopleFile;

    @BeforeEach
    void setUp() throws Exception {
        peopleFile = dir.resolve("contacts.jsonl");
        Files.writeString(peopleFile, PEOPLE);
        mapper =
                new FreshdeskTicketMapper(
                        People.load(peopleFile, InputOpener.FILES, FreshdeskTicketMapper::person));
    }

    private static JsonNode json(String text) {
        return JsonValues.MAPPER.readTree(text);
    }

    private SourceConversation map(String ticket) {
        return mapper.toConversation(json(ticket));
    }

    private static String ticket(String extra, String conversations) {
        return """
        {"id":1,"subject":"Refund","status":2,"source":1,"requester_id":201,"responder_id":101,
         "created_at":"2023-03-06T09:14:22Z","description":"<div>Charged twice</div>","description_text":"Charged twice",
         "tags":["billing"],"attachments":[]%s,"conversations":[%s]}\
        """
                .formatted(extra, conversations);
    }

    private static String conversation(
            long id, long userId, boolean incoming, boolean isPrivate, String body) {
        return """
        {"id":%d,"user_id":%d,"incoming":%b,"private":%b,"body":"%s","created_at":"2023-03-06T10:00:00Z"}\
        """
                .formatted(id, userId, incoming, isPrivate, body);
    }

    @Test
    void readsContactsAndAgentsOfThePeopleFile() {
        assertThat(
                        FreshdeskTicketMapper.person(
                                json(
                                        "{\"id\":101,\"contact\":{\"name\":\"Bob\",\"email\":\"bob@acme.example\"}}")))
                .isEqualTo(new Person("101", "bob@acme.example", null, "Bob", true));
        assertThat(
                        FreshdeskTicketMapper.person(
                                json(
                                        "{\"id\":201,\"name\":\"Ann\",\"email\":\"a@x.org\",\"unique_external_id\":\"u-1\"}")))
                .isEqualTo(new Person("201", "a@x.org", "u-1", "Ann", false));
        assertThat(FreshdeskTicketMapper.person(json("[1,2]"))).isNull();
    }

    @Test
    void theDescriptionIsTheRequestersFirstMessageWithTheTicketsAttachments() {
        SourceConversation conversation =
                map(
                        """
                        {"id":1,"subject":"Refund","status":5,"source":1,"requester_id":201,"created_at":"2023-03-06T09:14:22Z",
                         "description":"<div>Charged <b>twice</b></div>","description_text":"Charged twice","tags":["billing","refund"],
                         "attachments":[{"id":9,"name":"s.pdf","attachment_url":"https://files.example/s.pdf"}],"conversations":[]}\
                        """);

        assertThat(conversation.system()).isEqualTo(SourceSystem.FRESHDESK);
        assertThat(conversation.id()).isEqualTo("1");
        assertThat(conversation.status()).isEqualTo("closed");
        assertThat(conversation.tags()).containsExactly("billing", "refund");
        assertThat(conversation.contact())
                .isEqualTo(new SourceContact("ann@example.org", "cust-1", "Ann Lee", "user"));
        assertThat(conversation.messages())
                .containsExactly(
                        new SourceMessage(
                                "description",
                                "contact",
                                null,
                                null,
                                "<div>Charged <b>twice</b></div>",
                                "2023-03-06T09:14:22Z",
                                java.util.List.of("https://files.example/s.pdf"),
                                false));
    }

    @Test
    void resolvedAndClosedAreClosedEverythingElseOpen() {
        assertThat(map(ticket(",\"x\":0", "").replace("\"status\":2", "\"status\":4")).status())
                .isEqualTo("closed");
        assertThat(map(ticket("", "").replace("\"status\":2", "\"status\":\"Closed\"")).status())
                .isEqualTo("closed");
        assertThat(map(ticket("", "")).status()).isEqualTo("open");
        assertThat(map(ticket("", "").replace("\"status\":2", "\"status\":3")).status())
                .isEqualTo("open");
    }

    @Test
    void anOutboundEmailTicketsDescriptionIsTheRespondersMessage() {
        SourceMessage description =
                map(ticket("", "").replace("\"source\":1", "\"source\":10")).messages().get(0);

        assertThat(description.authorType()).isEqualTo("agent");
        assertThat(description.authorEmail()).isEqualTo("bob@acme.example");
        assertThat(description.authorName()).isEqualTo("Bob Stone");
        assertThat(description.internal()).isFalse();
    }

    @Test
    void anOutboundTicketWithAnUnknownResponderIsTheDefaultAdmins() {
        SourceMessage description =
                map(ticket("", "")
                                .replace("\"source\":1", "\"source\":10")
                                .replace("\"responder_id\":101", "\"responder_id\":999"))
                        .messages()
                        .get(0);

        assertThat(description.authorType()).isEqualTo("agent");
        assertThat(description.authorEmail()).isNull();
    }

    @Test
    void repliesAreByTheRequesterACcOrAnAgent() {
        SourceConversation conversation =
                map(
                        ticket(
                                "",
                                String.join(
                                        ",",
                                        conversation(11, 101, false, false, "<p>Agent reply</p>"),
                                        conversation(12, 201, true, false, "<p>Requester</p>"),
                                        conversation(13, 202, true, false, "<p>CC speaking</p>"),
                                        conversation(
                                                14,
                                                204,
                                                false,
                                                false,
                                                "<p>Portal reply by a contact</p>"),
                                        conversation(
                                                15, 999, false, false, "<p>Unknown agent</p>"))));

        java.util.List<SourceMessage> messages = conversation.messages();
        assertThat(messages)
                .extracting(SourceMessage::id)
                .containsExactly("description", "11", "12", "13", "14", "15");
        assertThat(messages.get(1))
                .isEqualTo(
                        new SourceMessage(
                                "11",
                                "agent",
                                "bob@acme.example",
                                "Bob Stone",
                                "<p>Agent reply</p>",
                                "2023-03-06T10:00:00Z",
                                java.util.List.of(),
                                false));
        assertThat(messages.get(2).authorType()).isEqualTo("contact");
        assertThat(messages.get(2).body()).isEqualTo("<p>Requester</p>");
        assertThat(messages.get(3).authorType()).isEqualTo("contact");
        assertThat(messages.get(3).body())
                .isEqualTo("<p>From Dave Kim (dave@example.com):</p><p>CC speaking</p>");
        assertThat(messages.get(4).authorType()).isEqualTo("contact");
        assertThat(messages.get(4).body()).startsWith("<p>From Jonas:</p>");
        assertThat(messages.get(5).authorType()).isEqualTo("agent");
        assertThat(messages.get(5).authorEmail()).isNull();
        assertThat(messages).noneMatch(SourceMessage::internal);
    }

    @Test
    void anIncomingReplyBySomeoneTheUsersFileDoesNotKnowIsNamedByItsSender() {
        SourceMessage message =
                map(ticket(
                                "",
                                """
                                {"id":16,"user_id":777,"incoming":true,"private":false,"body":"Hi","from_email":"eve@example.net",
                                 "created_at":"2023-03-06T10:00:00Z"}\
                                """))
                        .messages()
                        .get(1);

        assertThat(message.authorType()).isEqualTo("contact");
        assertThat(message.body()).isEqualTo("<p>From eve@example.net:</p>Hi");
    }

    @Test
    void aPrivateConversationIsAlwaysANoteAndANonAgentsNoteIsTheDefaultAdminsWithItsWriterNamed() {
        SourceConversation conversation =
                map(
                        ticket(
                                "",
                                String.join(
                                        ",",
                                        conversation(21, 101, false, true, "<p>Agent note</p>"),
                                        conversation(
                                                22, 202, true, true, "<p>CC private reply</p>"),
                                        conversation(
                                                23, 201, false, true, "<p>Requester private</p>"),
                                        conversation(
                                                24, 888, false, true, "<p>Unknown writer</p>"))));

        java.util.List<SourceMessage> notes = conversation.messages().subList(1, 5);
        assertThat(notes)
                .allMatch(SourceMessage::internal)
                .allMatch(m -> m.authorType().equals("agent"));
        assertThat(notes.get(0).authorEmail()).isEqualTo("bob@acme.example");
        assertThat(notes.get(0).body()).isEqualTo("<p>Agent note</p>");
        assertThat(notes.get(1).authorEmail()).isNull();
        assertThat(notes.get(1).body())
                .isEqualTo(
                        "<p>Private comment from Dave Kim (dave@example.com):</p><p>CC private"
                                + " reply</p>");
        assertThat(notes.get(2).authorEmail()).isNull();
        assertThat(notes.get(2).body())
                .startsWith("<p>Private comment from Ann Lee (ann@example.org):</p>");
        assertThat(notes.get(3).authorEmail()).isNull();
        assertThat(notes.get(3).body()).startsWith("<p>Private comment from user 888:</p>");
    }

    @Test
    void plainTextFallbacksAreEscapedAndAnEmptyDescriptionIsNoMessage() {
        SourceConversation conversation =
                map(
                        """
                        {"id":2,"status":2,"requester_id":201,"created_at":"2023-03-06T09:14:22Z","description":"",
                         "description_text":"Is <Pro> per user?\\nAnd A&B?","conversations":[
                         {"id":31,"user_id":201,"incoming":true,"body":"","body_text":"x < y","created_at":"2023-03-06T10:00:00Z"}]}\
                        """);
        assertThat(conversation.messages().get(0).body())
                .isEqualTo("<pre>Is &lt;Pro&gt; per user?\nAnd A&amp;B?</pre>");
        assertThat(HtmlToText.toPlainText(conversation.messages().get(0).body()))
                .isEqualTo("Is <Pro> per user?\nAnd A&B?");
        assertThat(HtmlToText.toPlainText(conversation.messages().get(1).body()))
                .isEqualTo("x < y");

        SourceConversation empty =
                map(
                        """
                        {"id":3,"status":2,"requester_id":201,"created_at":"2023-03-06T09:14:22Z","description":"<div>&nbsp;<br></div>",
                         "description_text":"","conversations":[
                         {"id":32,"user_id":101,"incoming":false,"body":"<p>Called the customer</p>","created_at":"2023-03-06T10:00:00Z"}]}\
                        """);
        assertThat(empty.messages()).extracting(SourceMessage::id).containsExactly("32");
    }

    @Test
    void anEmbeddedRequesterIsUsedAndCompletedByThePeopleFile() {
        SourceConversation notListed =
                map(
                        ticket(
                                        ",\"requester\":{\"id\":301,\"name\":\"Luis\",\"email\":\"luis@example.net\"}",
                                        "")
                                .replace("\"requester_id\":201", "\"requester_id\":301"));
        assertThat(notListed.contact())
                .isEqualTo(new SourceContact("luis@example.net", null, "Luis", "user"));

        SourceConversation listed =
                map(
                        ticket(
                                ",\"requester\":{\"id\":201,\"name\":\"Ann"
                                        + " L.\",\"email\":\"ann@example.org\"}",
                                ""));
        assertThat(listed.contact())
                .isEqualTo(new SourceContact("ann@example.org", "cust-1", "Ann L.", "user"));

        SourceConversation withoutUsersFile =
                new FreshdeskTicketMapper(null)
                        .toConversation(
                                json(
                                        ticket(
                                                ",\"requester\":{\"id\":201,\"name\":\"Ann\",\"email\":\"ann@example.org\"}",
                                                "")));
        assertThat(withoutUsersFile.contact().email()).isEqualTo("ann@example.org");
    }

    @Test
    void aRequesterWithJustAnExternalIdIsAContact() {
        assertThat(
                        map(ticket("", "").replace("\"requester_id\":201", "\"requester_id\":204"))
                                .contact())
                .isEqualTo(new SourceContact(null, "cust-4", "Jonas", "user"));
    }

    @Test
    void rejectsNameFreshdesksIds() {
        assertThatThrownBy(
                        () ->
                                map(
                                        ticket("", "")
                                                .replace(
                                                        "\"requester_id\":201",
                                                        "\"requester_id\":456")))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("ticket 1: requester 456 is not in the users file " + peopleFile);
        assertThatThrownBy(
                        () ->
                                map(
                                        ticket("", "")
                                                .replace(
                                                        "\"requester_id\":201",
                                                        "\"requester_id\":203")))
                .hasMessage(
                        "ticket 1: requester 203 has neither an email nor an external id"
                                + " (unique_external_id)");
        assertThatThrownBy(
                        () -> new FreshdeskTicketMapper(null).toConversation(json(ticket("", ""))))
                .hasMessageStartingWith(
                        "ticket 1: requester 201 is not embedded in the ticket and no --users file"
                                + " was given");
        assertThatThrownBy(() -> map(ticket("", "").replace(",\"conversations\":[]", "")))
                .hasMessageStartingWith("ticket 1 has no conversations field");
    }

    @Test
    void jsonTypeErrorsNameTheField() {
        assertThatThrownBy(
                        () ->
                                map(
                                        ticket("", "")
                                                .replace(
                                                        "\"conversations\":[]",
                                                        "\"conversations\":\"none\"")))
                .hasMessage("field 'conversations' must be an array, not a string");
        assertThatThrownBy(
                        () ->
                                map(
                                        ticket(
                                                "",
                                                conversation(1, 101, false, false, "x")
                                                        .replace(
                                                                "\"private\":false",
                                                                "\"private\":\"no\""))))
                .hasMessage("field 'conversations[0].private' must be true or false, not a string");
        assertThatThrownBy(
                        () ->
                                map(
                                        ticket("", "")
                                                .replace(
                                                        "\"attachments\":[]",
                                                        "\"attachments\":[\"https://x\"]")))
                .hasMessage("field 'attachments[0]' must be an object, not a string");
        assertThatThrownBy(
                        () -> map(ticket("", "").replace("\"tags\":[\"billing\"]", "\"tags\":[1]")))
                .hasMessage("field 'tags' must hold strings, not a number");
        assertThatThrownBy(() -> map(ticket(",\"requester\":\"Ann\"", "")))
                .hasMessage("field 'requester' must be an object, not a string");
        assertThatThrownBy(() -> map("[1]"))
                .hasMessage("expected a JSON object for the ticket, found an array");
    }

    /**
     * Case 11 of issue 12, records that must never be migrated. Freshdesk's API v2 ticket, as its
     * SDK reference describes it
     * (developers.freshworks.com/freshdesk-sdk/docs/GetAllTicketResponse.html), carries two Boolean
     * properties for this: {@code spam} and {@code deleted} (a deleted ticket sits in Freshdesk's
     * trash, from where it can be restored).
     */
    @Test
    void case11_aDeletedOrSpamTicketIsRejectedAndNotMigrated() {
        assertThatThrownBy(() -> map(ticket(",\"spam\":true,\"deleted\":false", "")))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("ticket 1: marked as spam in Freshdesk; not migrated");
        assertThatThrownBy(() -> map(ticket(",\"spam\":false,\"deleted\":true", "")))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("ticket 1: deleted in Freshdesk (deleted: true); not migrated");
        assertThatThrownBy(
                        () ->
                                map(
                                        ticket(",\"deleted\":true", "")
                                                .replace(
                                                        "\"requester_id\":201",
                                                        "\"requester_id\":456")))
                .as("said before anything else is looked at: the requester")
                .hasMessage("ticket 1: deleted in Freshdesk (deleted: true); not migrated");
        assertThat(map(ticket(",\"spam\":false,\"deleted\":false", "")).id())
                .as("false, like absent, is a ticket to migrate")
                .isEqualTo("1");
    }
}
