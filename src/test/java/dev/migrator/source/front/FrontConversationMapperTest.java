package dev.migrator.source.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrator.mapping.HtmlToText;
import dev.migrator.source.InvalidRecordException;
import dev.migrator.source.SourceConversation;
import dev.migrator.source.SourceConversation.SourceContact;
import dev.migrator.source.SourceConversation.SourceMessage;
import dev.migrator.source.SourceSystem;
import dev.migrator.source.json.JsonValues;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class FrontConversationMapperTest {

    private static final String BOB =
            """
            {"id":"tea_1","email":"bob@acme.example","username":"bob","first_name":"Bob","last_name":"Stone"}\
            """;
    private static final String ANN =
            "{\"handle\":\"ann@example.org\",\"role\":\"from\",\"name\":\"Ann Lee\"}";
    private static final String SUPPORT = "{\"handle\":\"support@acme.example\",\"role\":\"to\"}";

    private static JsonNode json(String text) {
        return JsonValues.MAPPER.readTree(text);
    }

    private static SourceConversation map(String conversation) {
        return FrontConversationMapper.INSTANCE.toConversation(json(conversation));
    }

    private static String conversation(String recipient, String messages, String comments) {
        return """
        {"id":"cnv_1","subject":"Login","status":"archived","created_at":1678872541.231,
         "recipient":%s,"tags":[{"id":"tag_1","name":"login"},{"id":"tag_2","name":"urgent"}],
         "messages":[%s],"comments":[%s]}\
        """
                .formatted(recipient, messages, comments);
    }

    private static String inbound(String id, Object createdAt, String from, String body) {
        return """
        {"id":"%s","is_inbound":true,"created_at":%s,"body":"%s","author":null,
         "recipients":[%s,%s],"attachments":[]}\
        """
                .formatted(id, createdAt, body, from, SUPPORT);
    }

    private static String outbound(String id, Object createdAt, String author, String body) {
        return """
        {"id":"%s","is_inbound":false,"created_at":%s,"body":"%s","author":%s,
         "recipients":[{"handle":"support@acme.example","role":"from"},{"handle":"ann@example.org","role":"to"}],
         "attachments":[{"filename":"a.png","url":"https://files.example/a.png","content_type":"image/png","size":10}]}\
        """
                .formatted(id, createdAt, body, author);
    }

    @Test
    void readsTheConversationWithItsContactStatusAndTags() {
        SourceConversation conversation =
                map(conversation(ANN, inbound("msg_1", 1678872541.231, ANN, "<p>Hi</p>"), ""));

        assertThat(conversation.system()).isEqualTo(SourceSystem.FRONT);
        assertThat(conversation.id()).isEqualTo("cnv_1");
        assertThat(conversation.subject()).isEqualTo("Login");
        assertThat(conversation.status()).isEqualTo("closed");
        assertThat(conversation.tags()).containsExactly("login", "urgent");
        assertThat(conversation.contact())
                .isEqualTo(new SourceContact("ann@example.org", null, "Ann Lee", "user"));
        assertThat(conversation.messages())
                .singleElement()
                .isEqualTo(
                        new SourceMessage(
                                "msg_1",
                                "contact",
                                null,
                                null,
                                "<p>Hi</p>",
                                "1.678872541231E9",
                                List.of(),
                                false));
    }

    @Test
    void archivedIsClosedTheRestOpen() {
        String base = conversation(ANN, inbound("msg_1", 1678872541, ANN, "Hi"), "");
        assertThat(map(base).status()).isEqualTo("closed");
        assertThat(map(base.replace("archived", "assigned")).status()).isEqualTo("open");
        assertThat(map(base.replace("archived", "unassigned")).status()).isEqualTo("open");
    }

    @Test
    void messagesNewestFirstAndCommentsAreMergedInTimeOrderToTheFractionOfASecond() {
        SourceConversation conversation =
                map(
                        conversation(
                                ANN,
                                String.join(
                                        ",",
                                        outbound(
                                                "msg_4",
                                                1678880000.9,
                                                BOB,
                                                "Later in the same second"),
                                        inbound(
                                                "msg_3",
                                                1678880000.2,
                                                ANN,
                                                "Earlier in the same second"),
                                        outbound("msg_2", 1678876200.877, BOB, "Reply"),
                                        inbound("msg_1", 1678872541.231, ANN, "Question")),
                                """
                                {"id":"com_1","author":%s,"body":"Unlock <https://admin.example/u/1> & reply\\nthen close","posted_at":1678875000.12,
                                 "attachments":[{"filename":"n.txt","url":"https://files.example/n.txt"}]}\
                                """
                                        .formatted(BOB)));

        assertThat(conversation.messages())
                .extracting(SourceMessage::id)
                .containsExactly("msg_1", "com_1", "msg_2", "msg_3", "msg_4");
        SourceMessage note = conversation.messages().get(1);
        assertThat(note)
                .isEqualTo(
                        new SourceMessage(
                                "com_1",
                                "agent",
                                "bob@acme.example",
                                "Bob Stone",
                                "<pre>Unlock &lt;https://admin.example/u/1&gt; &amp; reply\n"
                                        + "then close</pre>",
                                "1.67887500012E9",
                                List.of("https://files.example/n.txt"),
                                true));
        assertThat(HtmlToText.toPlainText(note.body()))
                .isEqualTo("Unlock <https://admin.example/u/1> & reply\nthen close");
    }

    @Test
    void anUnparseableTimeLeavesTheOrderToThePlanner() {
        SourceConversation conversation =
                map(
                        conversation(
                                ANN,
                                String.join(
                                        ",",
                                        outbound("msg_2", "\"yesterday\"", BOB, "Reply"),
                                        inbound("msg_1", 1678872541, ANN, "Question")),
                                ""));

        assertThat(conversation.messages())
                .extracting(SourceMessage::id)
                .containsExactly("msg_2", "msg_1");
    }

    @Test
    void outboundMessagesAreTheAuthorsReplies() {
        SourceConversation conversation =
                map(
                        conversation(
                                ANN,
                                String.join(
                                        ",",
                                        outbound("msg_3", 1678880003, "null", "Rule reply"),
                                        outbound(
                                                "msg_2",
                                                1678880002,
                                                "{\"email\":\"carol@acme.example\",\"username\":\"carol\"}",
                                                "By username"),
                                        outbound(
                                                "msg_1",
                                                1678880001,
                                                BOB,
                                                "<p>Hi &amp; welcome</p>")),
                                ""));

        List<SourceMessage> messages = conversation.messages();
        assertThat(messages.get(0))
                .isEqualTo(
                        new SourceMessage(
                                "msg_1",
                                "agent",
                                "bob@acme.example",
                                "Bob Stone",
                                "<p>Hi &amp; welcome</p>",
                                "1678880001",
                                List.of("https://files.example/a.png"),
                                false));
        assertThat(messages.get(1).authorName()).isEqualTo("carol");
        assertThat(messages.get(2).authorType()).isEqualTo("agent");
        assertThat(messages.get(2).authorEmail()).isNull();
    }

    @Test
    void anInboundMessageFromSomeoneElseIsNamed() {
        SourceConversation conversation =
                map(
                        conversation(
                                ANN,
                                String.join(
                                        ",",
                                        inbound(
                                                "msg_3",
                                                1678880003,
                                                "{\"handle\":\"+14155550134\",\"role\":\"from\"}",
                                                "By text"),
                                        inbound(
                                                "msg_2",
                                                1678880002,
                                                "{\"handle\":\"dave@example.com\",\"role\":\"from\",\"name\":\"Dave"
                                                    + " Kim\"}",
                                                "CC here"),
                                        inbound(
                                                "msg_1",
                                                1678880001,
                                                "{\"handle\":\"ANN@example.org\",\"role\":\"from\"}",
                                                "Me")),
                                ""));

        assertThat(conversation.messages())
                .allMatch(m -> m.authorType().equals("contact") && !m.internal());
        assertThat(conversation.messages())
                .extracting(SourceMessage::body)
                .containsExactly(
                        "Me",
                        "<p>From Dave Kim (dave@example.com):</p>CC here",
                        "<p>From +14155550134:</p>By text");
    }

    @Test
    void withoutAnEmailRecipientTheContactIsTheSenderOfTheFirstInboundEmail() {
        String sms = "{\"handle\":\"+14155550134\",\"role\":\"from\",\"name\":\"Erin\"}";
        SourceConversation conversation =
                map(
                        conversation(
                                sms,
                                String.join(
                                        ",",
                                        inbound("msg_3", 1678880003, sms, "By text"),
                                        inbound(
                                                "msg_2",
                                                1678880002,
                                                "{\"handle\":\"erin@example.net\",\"role\":\"from\",\"name\":\"Erin"
                                                    + " Park\"}",
                                                "Mail"),
                                        inbound(
                                                "msg_1",
                                                1678880001,
                                                "{\"handle\":\"erin.old@example.net\",\"role\":\"cc\"}",
                                                "No sender")),
                                ""));

        assertThat(conversation.contact())
                .isEqualTo(new SourceContact("erin@example.net", null, "Erin Park", "user"));
        assertThat(conversation.messages())
                .extracting(SourceMessage::body)
                .containsExactly("No sender", "Mail", "<p>From Erin (+14155550134):</p>By text");
    }

    @Test
    void rejectsAConversationWithoutAContactEmail() {
        String sms = "{\"handle\":\"+14155550199\",\"role\":\"from\"}";
        assertThatThrownBy(
                        () ->
                                map(
                                        conversation(
                                                sms,
                                                inbound("msg_1", 1678880001, sms, "Open Sunday?"),
                                                "")))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage(
                        "conversation cnv_1: no contact email (recipient '+14155550199' is not an"
                            + " email address, and no inbound message is from an email address)");
        assertThatThrownBy(
                        () ->
                                map(
                                        conversation(
                                                "null",
                                                outbound("msg_1", 1678880001, BOB, "Hi"),
                                                "")))
                .hasMessage(
                        "conversation cnv_1: no contact email (recipient none, and no inbound"
                                + " message is from an email address)");
    }

    @Test
    void aDraftIsANoteAndPlainTextIsEscaped() {
        SourceConversation conversation =
                map(
                        conversation(
                                ANN,
                                String.join(
                                        ",",
                                        outbound("msg_2", 1678880002, BOB, "Unsent words")
                                                .replace(
                                                        "\"is_inbound\":false",
                                                        "\"is_inbound\":false,\"is_draft\":true"),
                                        inbound("msg_1", 1678880001, ANN, "")
                                                .replace(
                                                        "\"body\":\"\"",
                                                        "\"body\":null,\"text\":\"Unsubscribe <me>"
                                                                + " & co\\n"
                                                                + "thanks\"")),
                                ""));

        assertThat(conversation.messages().get(0).body())
                .isEqualTo("<pre>Unsubscribe &lt;me&gt; &amp; co\nthanks</pre>");
        assertThat(HtmlToText.toPlainText(conversation.messages().get(0).body()))
                .isEqualTo("Unsubscribe <me> & co\nthanks");
        SourceMessage draft = conversation.messages().get(1);
        assertThat(draft.internal()).isTrue();
        assertThat(draft.authorEmail()).isEqualTo("bob@acme.example");
        assertThat(draft.body()).isEqualTo("<p>Draft, never sent:</p>Unsent words");
    }

    @Test
    void jsonTypeErrorsNameTheField() {
        assertThatThrownBy(
                        () ->
                                map(
                                        conversation(
                                                ANN,
                                                inbound("msg_1", 1, ANN, "x")
                                                        .replace(
                                                                "\"is_inbound\":true",
                                                                "\"is_inbound\":1"),
                                                "")))
                .hasMessage("field 'messages[0].is_inbound' must be true or false, not a number");
        assertThatThrownBy(() -> map(conversation(ANN, "\"msg\"", "")))
                .hasMessage("field 'messages[0]' must be an object, not a string");
        assertThatThrownBy(
                        () ->
                                map(
                                        conversation(ANN, inbound("msg_1", 1, ANN, "x"), "")
                                                .replace(
                                                        "{\"id\":\"tag_1\",\"name\":\"login\"}",
                                                        "[]")))
                .hasMessage("field 'tags[0]' must be an object, not an array");
        assertThatThrownBy(
                        () ->
                                map(
                                        conversation(
                                                ANN,
                                                inbound("msg_1", 1, ANN, "x"),
                                                "{\"id\":\"com_1\",\"author\":\"bob\"}")))
                .hasMessage("field 'comments[0].author' must be an object, not a string");
        assertThatThrownBy(
                        () ->
                                map(
                                        conversation(
                                                ANN,
                                                outbound("msg_1", 1, BOB, "x")
                                                        .replace(
                                                                "\"url\":\"https://files.example/a.png\"",
                                                                "\"url\":{}"),
                                                "")))
                .hasMessage(
                        "field 'messages[0].attachments[0].url' must be a string or a number, not"
                                + " an object");
        assertThatThrownBy(
                        () ->
                                map(
                                        conversation(
                                                "\"ann@example.org\"",
                                                inbound("msg_1", 1, ANN, "x"),
                                                "")))
                .hasMessage("field 'recipient' must be an object, not a string");
        assertThatThrownBy(() -> map("{\"id\":\"cnv_2\",\"recipient\":" + ANN + "}"))
                .hasMessageStartingWith("conversation cnv_2 has no messages field");
        assertThatThrownBy(() -> map("\"cnv\""))
                .hasMessage("expected a JSON object for the conversation, found a string");
    }

    /**
     * Case 11 of issue 12, records that must never be migrated. Front's Core API gives a
     * conversation's {@code status} as one of archived, unassigned, deleted, assigned (the
     * ConversationResponseStatus of the API's OpenAPI description, as generated in the front-api
     * crate: docs.rs/front-api/0.0.1/front_api/types/enum.ConversationResponseStatus.html). Front's
     * spam folder is read as {@code "spam"} too, should an export write it.
     */
    @Test
    void case11_aDeletedOrSpamConversationIsRejectedAndNotMigrated() {
        String base = conversation(ANN, inbound("msg_1", 1678872541, ANN, "Hi"), "");
        assertThatThrownBy(() -> map(base.replace("archived", "deleted")))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage(
                        "conversation cnv_1: deleted in Front (status \"deleted\"); not migrated");
        assertThatThrownBy(() -> map(base.replace("archived", "spam")))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage(
                        "conversation cnv_1: marked as spam in Front (status \"spam\"); not"
                                + " migrated");
        assertThatThrownBy(() -> map("{\"id\":\"cnv_2\",\"status\":\"Deleted\"}"))
                .as("said before anything else is looked at: the messages, the contact")
                .hasMessage(
                        "conversation cnv_2: deleted in Front (status \"Deleted\"); not migrated");
    }
}
