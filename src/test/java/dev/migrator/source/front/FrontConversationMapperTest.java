package dev.migrator.source.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrator.mapping.ConversationPlanner;
import dev.migrator.mapping.HtmlToText;
import dev.migrator.mapping.MappedRecord;
import dev.migrator.mapping.PlannedConversation;
import dev.migrator.source.InvalidRecordException;
import dev.migrator.source.SourceAttachment;
import dev.migrator.source.SourceConversation;
import dev.migrator.source.SourceConversation.SourceContact;
import dev.migrator.source.SourceConversation.SourceMessage;
import dev.migrator.source.SourceRecord;
import dev.migrator.source.SourceRecord.RecordOrigin;
import dev.migrator.source.SourceSystem;
import dev.migrator.source.json.JsonValues;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
                                 "attachments":[{"filename":"n.txt","url":"https://files.example/n.txt","content_type":"text/plain"}]}\
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
                                List.of(
                                        new SourceAttachment(
                                                "https://files.example/n.txt",
                                                "n.txt",
                                                "text/plain")),
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
                                List.of(
                                        new SourceAttachment(
                                                "https://files.example/a.png",
                                                "a.png",
                                                "image/png")),
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
    void plainTextIsEscaped() {
        SourceConversation conversation =
                map(
                        conversation(
                                ANN,
                                inbound("msg_1", 1678880001, ANN, "")
                                        .replace(
                                                "\"body\":\"\"",
                                                "\"body\":null,\"text\":\"Unsubscribe <me>"
                                                        + " & co\\n"
                                                        + "thanks\""),
                                ""));

        assertThat(conversation.messages().get(0).body())
                .isEqualTo("<pre>Unsubscribe &lt;me&gt; &amp; co\nthanks</pre>");
        assertThat(HtmlToText.toPlainText(conversation.messages().get(0).body()))
                .isEqualTo("Unsubscribe <me> & co\nthanks");
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

    /**
     * Front's own example of a message, as its Core API reference shows it for {@code GET
     * /messages/{message_id}} and in each conversation's {@code GET
     * /conversations/{conversation_id}/messages}: the {@code MessageResponse} schema's examples in
     * frontapp/front-api-specs, core-api/core-api.json (commit
     * 00872e7674d69be4224e4971317ca353325a2ab6), with its author, Front's {@code TeammateResponse}
     * example. {@code draft_mode} is "shared" in Front's example: "If the message is a draft,
     * describes the draft mode. Can be 'private' (draft is visible to the author only) or 'shared'
     * (draft is visible to all teammates with access to the conversation)."
     */
    private static final String FRONT_EXAMPLE_MESSAGE =
            """
            {"_links":{"self":"https://yourCompany.api.frontapp.com/messages/msg_1q15qmtq",
              "related":{"conversation":"https://yourCompany.api.frontapp.com/conversations/cnv_yo1kg5q",
               "message_replied_to":"https://yourCompany.api.frontapp.com/messages/msg_2y67qldq",
               "message_seen":"https://yourCompany.api.frontapp.com/messages/msg_1q15qmtq/seen"}},
             "id":"msg_1q15qmtq","type":"email","is_inbound":false,"draft_mode":"shared","error_type":null,
             "version":"551ba368f3e7803cce51503ee3e58ef0-26028-1701804863304-945c","created_at":1701292639,
             "subject":"Jim's pranks are getting out of hand",
             "blurb":"It's high time we discuss the pranking culture in the office",
             "author":{"_links":{"self":"https://yourCompany.api.frontapp.com/teammates/tea_6r55a"},
              "id":"tea_6r55a","email":"michael.scott@dundermifflin.com","username":"PrisonMike",
              "first_name":"Michael","last_name":"Scott","is_admin":true,"is_available":false,"is_blocked":false},
             "recipients":[{"_links":{"related":{"contact":"https://yourCompany.api.frontapp.com/contacts/crd_2njtoem"}},
              "name":"Phyllis Lapin-Vance","handle":"purpleboss@limitlesspaper.com","role":"to"}],
             "body":"<p>Hi there,</p><p>I wanted to let you know that I'm suggesting an update to <a href='https://dundermifflin.com/privacy/pranks'>Dunder Mifflin's Pranking Policy</a> to provide non-humorous employees greater control over their well-being in the office.</p>",
             "attachments":[]}\
            """;

    /**
     * The message the draft answers: Front's same example as a message that was received, so {@code
     * is_inbound} true, {@code draft_mode} null (Front's changelog, "Core API: Draft and
     * conversation sharing",
     * https://dev.frontapp.com/changelog/core-api-draft-and-conversation-sharing: "Its value can be
     * either null (for a non-draft message), "private" … or "shared"") and the recipient example of
     * core-api.json as its sender.
     */
    private static final String FRONT_EXAMPLE_INBOUND =
            FRONT_EXAMPLE_MESSAGE
                    .replace("\"id\":\"msg_1q15qmtq\"", "\"id\":\"msg_2y67qldq\"")
                    .replace("\"is_inbound\":false", "\"is_inbound\":true")
                    .replace("\"draft_mode\":\"shared\"", "\"draft_mode\":null")
                    .replace("\"created_at\":1701292639", "\"created_at\":1701292500")
                    .replace("\"role\":\"to\"", "\"role\":\"from\"");

    /**
     * Front's example conversation, the {@code ConversationResponse} schema's examples in the same
     * core-api.json: status "assigned", {@code status_category} "resolved" (the category of its
     * ticket status, "only present if ticketing is enabled"), its main recipient Front's {@code
     * RecipientResponse} example.
     */
    private static String frontExampleConversation(String messages) {
        return """
        {"_links":{"self":"https://yourCompany.api.frontapp.com/conversations/cnv_yo1kg5q"},
         "id":"cnv_yo1kg5q","subject":"How to prank Dwight Schrute","status":"assigned",
         "status_id":"sts_5x","status_category":"resolved","ticket_ids":["TICKET-1"],
         "recipient":{"_links":{"related":{"contact":"https://yourCompany.api.frontapp.com/contacts/crd_2njtoem"}},
          "name":"Phyllis Lapin-Vance","handle":"purpleboss@limitlesspaper.com","role":"cc"},
         "tags":[],"links":[],"created_at":1701292649.333,"waiting_since":1701292649.333,
         "is_private":true,"messages":[%s],"comments":[]}\
        """
                .formatted(messages);
    }

    /**
     * Case 1 of issue 13. Front's current API marks an unsent draft with {@code draft_mode}, and no
     * longer with {@code is_draft} ("The property is_draft of the Message data model is now
     * deprecated in favor of the new property draft_mode", the changelog above). A shared draft
     * went out as a public admin reply, words the customer never received.
     */
    @Test
    void case1_aSharedOrPrivateDraftIsNeverSentAndIsNamedInAWarning() {
        for (String mode : List.of("shared", "private")) {
            SourceConversation conversation =
                    map(
                            frontExampleConversation(
                                    FRONT_EXAMPLE_MESSAGE.replace(
                                                    "\"draft_mode\":\"shared\"",
                                                    "\"draft_mode\":\"" + mode + "\"")
                                            + ","
                                            + FRONT_EXAMPLE_INBOUND));

            assertThat(conversation.messages())
                    .as("draft_mode %s", mode)
                    .extracting(SourceMessage::id)
                    .containsExactly("msg_2y67qldq");
            assertThat(conversation.messages().get(0).authorType()).isEqualTo("contact");
            assertThat(conversation.warnings())
                    .containsExactly(
                            "conversation cnv_yo1kg5q: message msg_1q15qmtq is a draft, never sent"
                                    + " (draft_mode \""
                                    + mode
                                    + "\"); not migrated");
        }
    }

    /**
     * Case 1 of issue 13: the deprecated marker is kept out too. Front's "Example Draft Object"
     * (https://dev.frontapp.com/reference/drafts) still writes {@code "is_draft": false} beside a
     * sent message's fields; a draft written by an older export says {@code true}.
     */
    @Test
    void case1_aDraftMarkedWithTheDeprecatedIsDraftIsNeverSentEither() {
        SourceConversation conversation =
                map(
                        frontExampleConversation(
                                FRONT_EXAMPLE_MESSAGE.replace(
                                                "\"draft_mode\":\"shared\"", "\"is_draft\":true")
                                        + ","
                                        + FRONT_EXAMPLE_INBOUND.replace(
                                                "\"draft_mode\":null", "\"is_draft\":false")));

        assertThat(conversation.messages())
                .extracting(SourceMessage::id)
                .containsExactly("msg_2y67qldq");
        assertThat(conversation.warnings())
                .containsExactly(
                        "conversation cnv_yo1kg5q: message msg_1q15qmtq is a draft, never sent"
                                + " (is_draft true); not migrated");
    }

    /**
     * Case 1 of issue 13: a draft "created as a new conversation" (Front's Drafts reference,
     * https://dev.frontapp.com/reference/drafts, "POST /channels/{channel_id}/drafts") holds no
     * message the customer received: the conversation is rejected, naming the marker.
     */
    @Test
    void case1_aConversationWhoseOnlyMessageIsADraftIsRejectedNamingTheDraftMode() {
        assertThatThrownBy(() -> map(frontExampleConversation(FRONT_EXAMPLE_MESSAGE)))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage(
                        "conversation cnv_yo1kg5q: its only messages are drafts, never sent"
                                + " (draft_mode \"shared\"); not migrated");
    }

    /** The draft's warning reaches the run's warnings, with the planner's own. */
    @Test
    void case1_theDraftWarningIsCountedWithThePlannersWarnings() {
        ConversationPlanner planner =
                new ConversationPlanner(
                        ZoneOffset.UTC,
                        Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));
        SourceConversation source =
                map(frontExampleConversation(FRONT_EXAMPLE_MESSAGE + "," + FRONT_EXAMPLE_INBOUND));

        MappedRecord mapped =
                planner.process(
                        SourceRecord.of(
                                new RecordOrigin("conversations.json", 1, "cnv_yo1kg5q", null),
                                source));

        assertThat(mapped).isInstanceOf(MappedRecord.Planned.class);
        PlannedConversation planned = ((MappedRecord.Planned) mapped).conversation();
        assertThat(planned.parts())
                .singleElement()
                .satisfies(p -> assertThat(p.byContact()).isTrue());
        assertThat(planned.warnings())
                .containsExactly(
                        "conversation cnv_yo1kg5q: message msg_1q15qmtq is a draft, never sent"
                                + " (draft_mode \"shared\"); not migrated");
    }

    /**
     * Issue 13, Front's statuses. The Core API reads {@code status} as archived, unassigned,
     * deleted or assigned (core-api.json, {@code ConversationResponse}), sets it to archived, open,
     * deleted or spam ({@code UpdateConversation}); the Plugin SDK shows archived, open, trashed or
     * spam (https://dev.frontapp.com/reference/plugin-sdk-conversation); Front's help lists snooze
     * among the status actions (https://help.front.com/en/articles/2134). With ticketing on, {@code
     * status_category} is open, waiting or resolved, and decides: Front's example conversation is
     * "assigned" and "resolved", so closed.
     */
    @Test
    void statusCategoryResolvedClosesTheConversationAndDecidesOverTheStatus() {
        String resolved = frontExampleConversation(FRONT_EXAMPLE_INBOUND);
        assertThat(map(resolved).status()).isEqualTo("closed");
        assertThat(map(resolved.replace("\"resolved\"", "\"open\"")).status()).isEqualTo("open");
        assertThat(
                        map(resolved.replace("\"resolved\"", "\"waiting\"")
                                        .replace("\"assigned\"", "\"archived\""))
                                .status())
                .isEqualTo("open");
        String withoutTicketing = resolved.replace("\"status_category\":\"resolved\",", "");
        assertThat(map(withoutTicketing).status()).isEqualTo("open");
        for (String status : List.of("unassigned", "open", "snoozed")) {
            assertThat(map(withoutTicketing.replace("\"assigned\"", "\"" + status + "\"")).status())
                    .as(status)
                    .isEqualTo("open");
        }
        assertThat(map(withoutTicketing.replace("\"assigned\"", "\"archived\"")).status())
                .isEqualTo("closed");
        assertThatThrownBy(() -> map(withoutTicketing.replace("\"assigned\"", "\"trashed\"")))
                .hasMessage(
                        "conversation cnv_yo1kg5q: deleted in Front (status \"trashed\"); not"
                                + " migrated");
    }

    /** Issue 13's rule for unknown states: kept out, and rejected naming the value. */
    @Test
    void aStatusOrStatusCategoryFrontDoesNotDocumentIsRejectedNamingIt() {
        String conversation = frontExampleConversation(FRONT_EXAMPLE_INBOUND);
        assertThatThrownBy(() -> map(conversation.replace("\"assigned\"", "\"invisible\"")))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage(
                        "conversation cnv_yo1kg5q: status \"invisible\" is not one Front documents;"
                                + " not migrated");
        assertThatThrownBy(() -> map(conversation.replace("\"resolved\"", "\"pending\"")))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage(
                        "conversation cnv_yo1kg5q: status_category \"pending\" is not one Front"
                                + " documents; not migrated");
    }

    /**
     * Issue 13, Front's message types: the {@code MessageResponse} enum of core-api.json (call,
     * custom, email, facebook, front_chat, googleplay, intercom, internal, phone-call, sms, tweet,
     * tweet_dm, whatsapp, yalo_wha) and the Plugin SDK's conversation types (twitter_dm,
     * phone_call, google_play, smooch). Every channel the customer was reached through goes by
     * {@code is_inbound}; {@code internal} (an internal discussion) is a note; a type Front does
     * not document goes by {@code is_inbound}, with a warning naming it.
     */
    @Test
    void messageTypesGoByIsInboundAnInternalOneIsANoteAndAnUnknownOneIsWarnedAbout() {
        for (String type :
                List.of(
                        "call",
                        "custom",
                        "email",
                        "facebook",
                        "front_chat",
                        "googleplay",
                        "intercom",
                        "phone-call",
                        "sms",
                        "tweet",
                        "tweet_dm",
                        "whatsapp",
                        "yalo_wha",
                        "twitter_dm",
                        "phone_call",
                        "google_play",
                        "smooch")) {
            SourceConversation conversation =
                    map(
                            frontExampleConversation(
                                    FRONT_EXAMPLE_INBOUND.replace(
                                            "\"type\":\"email\"", "\"type\":\"" + type + "\"")));
            assertThat(conversation.messages().get(0).authorType()).as(type).isEqualTo("contact");
            assertThat(conversation.warnings()).as(type).isEmpty();
        }

        String internal =
                FRONT_EXAMPLE_MESSAGE
                        .replace("\"type\":\"email\"", "\"type\":\"internal\"")
                        .replace("\"draft_mode\":\"shared\"", "\"draft_mode\":null");
        SourceMessage note =
                map(frontExampleConversation(FRONT_EXAMPLE_INBOUND + "," + internal))
                        .messages()
                        .get(1);
        assertThat(note.internal()).isTrue();
        assertThat(note.authorEmail()).isEqualTo("michael.scott@dundermifflin.com");

        SourceConversation unknown =
                map(
                        frontExampleConversation(
                                FRONT_EXAMPLE_INBOUND.replace(
                                        "\"type\":\"email\"", "\"type\":\"carrier_pigeon\"")));
        assertThat(unknown.messages().get(0).authorType()).isEqualTo("contact");
        assertThat(unknown.messages().get(0).internal()).isFalse();
        assertThat(unknown.warnings())
                .containsExactly(
                        "conversation cnv_yo1kg5q: message msg_2y67qldq has type"
                                + " \"carrier_pigeon\", which Front does not document; migrated as"
                                + " an inbound message");
    }

    /** The conversation with these top-level fields beside its one inbound message. */
    private static String withDetails(String fields) {
        return """
        {"id":"cnv_1","status":"assigned","recipient":%s,%s,
         "messages":[%s],"comments":[]}\
        """
                .formatted(ANN, fields, inbound("msg_1", 1678872541, ANN, "Hi"));
    }

    /**
     * The Core API's conversation (ConversationResponse, dev.frontapp.com's OpenAPI): "assignee":
     * {"id": "tea_6r55a", "email": "michael.scott@dundermifflin.com", "username": "PrisonMike", …},
     * "custom_fields": an object of name to value ("Boolean | Date | Number | String", its
     * CustomField object says). Its inboxes are the list GET /conversations/{id}/inboxes answers,
     * embedded like the messages: {"id": "inb_55c8c149", "name": "Team Inbox", …}.
     */
    @Test
    void readsTheAssigneeTheInboxAndTheCustomFieldsAsTheCoreApiGivesThem() {
        SourceConversation conversation =
                map(
                        withDetails(
                                """
                                "assignee":{"_links":{"self":"https://yourCompany.api.frontapp.com/teammates/tea_6r55a"},
                                  "id":"tea_6r55a","email":"michael.scott@dundermifflin.com","username":"PrisonMike",
                                  "first_name":"Michael","last_name":"Scott","is_admin":true},
                                "inboxes":[{"id":"inb_55c8c149","name":"Team Inbox","is_private":false},
                                  {"id":"inb_2","name":"Sales"}],
                                "custom_fields":{"Plan":"Enterprise","Seats":120,"Renewal":1701292649.333,
                                  "VIP":true,"Region":null,"Notes":""}\
                                """));

        SourceConversation.Details details = conversation.details();
        assertThat(details.assigneeEmail()).isEqualTo("michael.scott@dundermifflin.com");
        assertThat(details.team()).as("the first inbox listed").isEqualTo("Team Inbox");
        assertThat(details.fields())
                .containsExactly(
                        Map.entry("Plan", "Enterprise"),
                        Map.entry("Seats", "120"),
                        Map.entry("Renewal", "1701292649.333"),
                        Map.entry("VIP", "true"));
        assertThat(details.company()).as("Front's conversation carries no company").isNull();
        assertThat(conversation.warnings()).isEmpty();
    }

    @Test
    void anInboxWithoutNameIsTheTeamByIdAndNoInboxesIsNoTeam() {
        assertThat(map(withDetails("\"inboxes\":[{\"id\":\"inb_1\"}]")).details().team())
                .isEqualTo("inb_1");
        assertThat(map(withDetails("\"assignee\":null,\"inboxes\":[]")).details())
                .isEqualTo(SourceConversation.Details.NONE);
    }

    @Test
    void aCustomFieldFrontDoesNotDocumentIsLeftOutWithAWarningAndTheConversationMigrates() {
        SourceConversation conversation =
                map(
                        withDetails(
                                "\"custom_fields\":{\"Owner\":{\"id\":\"tea_1\"},\"Codes\":[1,2],\"Plan\":\"Pro\"}"));

        assertThat(conversation.details().fields()).containsExactly(Map.entry("Plan", "Pro"));
        assertThat(conversation.warnings())
                .containsExactly(
                        "conversation cnv_1: custom_fields.Owner is an object, not a value; not"
                                + " read",
                        "conversation cnv_1: custom_fields.Codes is an array, not a value; not"
                                + " read");
    }

    @Test
    void anAssigneeInboxesOrCustomFieldsOfTheWrongJsonTypeAreNamedByPath() {
        assertThatThrownBy(() -> map(withDetails("\"assignee\":\"tea_1\"")))
                .hasMessage("field 'assignee' must be an object, not a string");
        assertThatThrownBy(() -> map(withDetails("\"inboxes\":\"Support\"")))
                .hasMessage("field 'inboxes' must be an array, not a string");
        assertThatThrownBy(() -> map(withDetails("\"custom_fields\":[]")))
                .hasMessage("field 'custom_fields' must be an object, not an array");
    }

    @Test
    void theSampleGivesSeveralConversationsAnAssigneeAnInboxAndCustomFields() throws Exception {
        List<SourceConversation> conversations = new ArrayList<>();
        for (JsonNode node :
                JsonValues.MAPPER.readTree(Path.of("samples/front/conversations.json").toFile())) {
            if (node.has("inboxes")) {
                conversations.add(FrontConversationMapper.INSTANCE.toConversation(node));
            }
        }

        assertThat(conversations.get(0).details())
                .isEqualTo(
                        new SourceConversation.Details(
                                "bob@acme.example",
                                "Billing",
                                Map.of("Plan", "Pro", "Seats", "12", "VIP", "true"),
                                null));
        assertThat(conversations)
                .extracting(c -> c.details().team())
                .containsExactly("Billing", "Support", "Support", "Support");
    }
}
