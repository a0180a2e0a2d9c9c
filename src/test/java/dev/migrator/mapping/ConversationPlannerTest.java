package dev.migrator.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.mapping.MappedRecord.Planned;
import dev.migrator.mapping.MappedRecord.Rejected;
import dev.migrator.mapping.PlannedConversation.PlannedCompany;
import dev.migrator.mapping.PlannedConversation.PlannedDetails;
import dev.migrator.mapping.PlannedPart.Author;
import dev.migrator.source.SourceAttachment;
import dev.migrator.source.SourceConversation;
import dev.migrator.source.SourceConversation.Details;
import dev.migrator.source.SourceConversation.SourceCompany;
import dev.migrator.source.SourceConversation.SourceContact;
import dev.migrator.source.SourceConversation.SourceMessage;
import dev.migrator.source.SourceRecord;
import dev.migrator.source.SourceRecord.RecordOrigin;
import dev.migrator.source.SourceSystem;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ConversationPlannerTest {

    private static final Clock NOW =
            Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final ConversationPlanner planner =
            new ConversationPlanner(ZoneId.of("Europe/Paris"), NOW);

    private static final SourceContact ANN =
            new SourceContact("Ann@Example.org", "u-1", "Ann", "user");

    private static SourceMessage contact(String id, String createdAt, String body) {
        return new SourceMessage(id, "contact", null, null, body, createdAt, List.of(), false);
    }

    private static SourceMessage agent(String id, String createdAt, String body, boolean internal) {
        return new SourceMessage(
                id, "agent", "Bob@Acme.example", "Bob", body, createdAt, List.of(), internal);
    }

    private static SourceConversation conversation(
            SourceContact contact, String status, SourceMessage... messages) {
        return new SourceConversation(
                "c-1",
                "Subject",
                null,
                status,
                List.of(" billing ", "billing", ""),
                contact,
                List.of(messages));
    }

    private MappedRecord process(SourceConversation conversation) {
        return planner.process(
                SourceRecord.of(new RecordOrigin("f.json", 3, "c-1", null), conversation));
    }

    private PlannedConversation planned(SourceConversation conversation) {
        MappedRecord record = process(conversation);
        assertThat(record).isInstanceOf(Planned.class);
        return ((Planned) record).conversation();
    }

    private String rejection(SourceConversation conversation) {
        MappedRecord record = process(conversation);
        assertThat(record).isInstanceOf(Rejected.class);
        return ((Rejected) record).reason();
    }

    @Test
    void mapsTimesAuthorsNotesCloseAndTags() {
        PlannedConversation planned =
                planned(
                        conversation(
                                ANN,
                                "Solved",
                                contact(
                                        "m-1",
                                        "2021-03-04T10:15:00Z",
                                        "<p>Hello &amp; welcome</p>"),
                                agent("m-2", "1614853200", "Reply", false),
                                agent("m-3", "1614853260000", "Note", true),
                                contact("m-4", "2021-03-04 12:00:00", "Thanks")));

        assertThat(planned.contact().email()).isEqualTo("ann@example.org");
        assertThat(planned.parts())
                .extracting(PlannedPart::createdAt)
                .containsExactly(
                        1614852900L,
                        1614853200L,
                        1614853260L,
                        1614855600L); // the last one read in Paris
        assertThat(planned.opening().body()).isEqualTo("Hello & welcome");
        assertThat(planned.parts())
                .extracting(PlannedPart::author)
                .containsExactly(Author.CONTACT, Author.AGENT, Author.AGENT, Author.CONTACT);
        assertThat(planned.parts())
                .extracting(PlannedPart::note)
                .containsExactly(false, false, true, false);
        assertThat(planned.parts().get(1).agentEmail()).isEqualTo("bob@acme.example");
        assertThat(planned.close()).isTrue();
        assertThat(planned.tags()).containsExactly("billing");
        assertThat(planned.warnings()).isEmpty();
    }

    /** A message id that reads like the marker's key is still a message, never a marker. */
    @Test
    void aMessageIdLikeTheMarkersKeyIsNoMarker() {
        PlannedConversation planned =
                planned(
                        conversation(
                                ANN,
                                "open",
                                contact("opening:m-1", "2021-03-04T10:00:00Z", "first"),
                                contact("m-2", "2021-03-04T11:00:00Z", "second")));

        assertThat(planned.parts()).noneMatch(PlannedPart::startMarker);
    }

    @Test
    void theReadersWarningsAreThePlannedConversations() {
        SourceConversation read =
                new SourceConversation(
                        "c-1",
                        "Subject",
                        null,
                        "open",
                        List.of(),
                        ANN,
                        List.of(contact("m-1", "2021-03-04T10:00:00Z", "first")),
                        SourceSystem.FRESHDESK,
                        List.of("ticket c-1, conversation m-1: source '99' is not listed"));

        assertThat(planned(read).warnings())
                .containsExactly("ticket c-1, conversation m-1: source '99' is not listed");
    }

    @Test
    void sortsMessagesByTimeAndWarns() {
        PlannedConversation planned =
                planned(
                        conversation(
                                ANN,
                                "open",
                                contact("m-2", "2021-03-04T11:00:00Z", "second"),
                                contact("m-1", "2021-03-04T10:00:00Z", "first")));

        assertThat(planned.parts()).extracting(PlannedPart::key).containsExactly("m-1", "m-2");
        assertThat(planned.warnings()).singleElement().asString().contains("out of time order");
        assertThat(planned.close()).isFalse();
    }

    @Test
    void agentStartedConversationOpensWithAMarkerNeverWithTheAgentsWords() {
        PlannedConversation planned =
                planned(
                        conversation(
                                ANN,
                                "open",
                                agent(
                                        "m-1",
                                        "2021-03-04T10:00:00Z",
                                        "We noticed a problem with your order",
                                        false),
                                contact("m-2", "2021-03-04T11:00:00Z", "Oh no")));

        assertThat(planned.opening().byContact()).isTrue();
        assertThat(planned.opening().body())
                .isEqualTo("Conversation started by Bob (bob@acme.example).")
                .doesNotContain("problem");
        assertThat(planned.opening().createdAt()).isEqualTo(planned.parts().get(1).createdAt());
        assertThat(planned.replies()).extracting(PlannedPart::key).containsExactly("m-1", "m-2");
    }

    @Test
    void keepsTenAttachmentsOnThePartAndListsTheRestInTheBody() {
        List<String> urls =
                IntStream.rangeClosed(1, 12).mapToObj(i -> "https://files.example/" + i).toList();
        PlannedConversation planned =
                planned(
                        conversation(
                                ANN,
                                "open",
                                new SourceMessage(
                                        "m-1",
                                        "contact",
                                        null,
                                        null,
                                        "See files",
                                        "2021-01-01T00:00:00Z",
                                        urls.stream().map(SourceAttachment::ofUrl).toList(),
                                        false)));

        assertThat(planned.opening().attachments())
                .extracting(PlannedAttachment::url)
                .containsExactlyElementsOf(urls.subList(0, 10));
        assertThat(planned.opening().body())
                .contains("https://files.example/11", "https://files.example/12")
                .doesNotContain("https://files.example/10\n");
    }

    @Test
    void eachFileKeepsTheExportsNameAndTypeElseItIsNamedByItsUrl() {
        PlannedConversation planned =
                planned(
                        conversation(
                                ANN,
                                "open",
                                new SourceMessage(
                                        "m-1",
                                        "contact",
                                        null,
                                        null,
                                        "See files",
                                        "2021-01-01T00:00:00Z",
                                        List.of(
                                                new SourceAttachment(
                                                        " https://files.example/f/9/download ",
                                                        " Relevé mars.pdf ",
                                                        " application/pdf "),
                                                new SourceAttachment(
                                                        "https://files.example/docs/Q1%20r%C3%A9sum%C3%A9+final.txt?v=2",
                                                        " ", " "),
                                                SourceAttachment.ofUrl(
                                                        "https://files.example/token/r9Kx2/"),
                                                SourceAttachment.ofUrl("https://files.example"),
                                                // The same URL again: the first one's name stays.
                                                new SourceAttachment(
                                                        "https://files.example/f/9/download",
                                                        "other.pdf",
                                                        "text/plain")),
                                        false)));

        assertThat(planned.opening().attachments())
                .containsExactly(
                        new PlannedAttachment(
                                "https://files.example/f/9/download",
                                "Relevé mars.pdf",
                                "application/pdf"),
                        new PlannedAttachment(
                                "https://files.example/docs/Q1%20r%C3%A9sum%C3%A9+final.txt?v=2",
                                "Q1 résumé+final.txt", null),
                        new PlannedAttachment("https://files.example/token/r9Kx2/", "r9Kx2", null),
                        new PlannedAttachment("https://files.example", "attachment", null));
    }

    @Test
    void namesEveryRejectReason() {
        assertThat(
                        rejection(
                                new SourceConversation(
                                        " ", null, null, null, List.of(), ANN, List.of())))
                .isEqualTo("the conversation has no id");
        assertThat(
                        rejection(
                                conversation(
                                        null, "open", contact("m-1", "2021-01-01T00:00:00Z", "x"))))
                .isEqualTo("conversation c-1 has no contact");
        assertThat(
                        rejection(
                                conversation(
                                        new SourceContact(null, " ", "Ann", null),
                                        "open",
                                        contact("m-1", "2021-01-01T00:00:00Z", "x"))))
                .isEqualTo("conversation c-1: the contact has neither an email nor an external_id");
        assertThat(
                        rejection(
                                conversation(
                                        new SourceContact("not-an-email", null, null, null),
                                        "open",
                                        contact("m-1", "2021-01-01T00:00:00Z", "x"))))
                .contains("is not an email address");
        assertThat(
                        rejection(
                                conversation(
                                        new SourceContact("a@b.c", null, null, "admin"),
                                        "open",
                                        contact("m-1", "2021-01-01T00:00:00Z", "x"))))
                .contains("role 'admin' is neither user nor lead");
        assertThat(rejection(conversation(ANN, "open")))
                .isEqualTo("conversation c-1 has no messages");
        assertThat(rejection(conversation(ANN, "open", contact("m-1", null, "x"))))
                .isEqualTo("conversation c-1, message m-1 has no created_at");
        assertThat(rejection(conversation(ANN, "open", contact("m-1", "yesterday", "x"))))
                .startsWith("conversation c-1, message m-1: 'yesterday' is not a timestamp");
        assertThat(
                        rejection(
                                conversation(
                                        ANN, "open", contact("m-1", "2030-01-01T00:00:00Z", "x"))))
                .contains("is in the future");
        assertThat(rejection(conversation(ANN, "open", contact("m-1", "-5", "x"))))
                .contains("before 1970");
        assertThat(
                        rejection(
                                conversation(
                                        ANN,
                                        "open",
                                        contact("m-1", "2021-01-01T00:00:00Z", " <p> </p> "))))
                .contains("empty body and no attachments");
        assertThat(
                        rejection(
                                conversation(
                                        ANN,
                                        "open",
                                        new SourceMessage(
                                                "m-1",
                                                "contact",
                                                null,
                                                null,
                                                "x",
                                                "2021-01-01T00:00:00Z",
                                                List.of(
                                                        SourceAttachment.ofUrl(
                                                                "javascript:alert(1)")),
                                                false))))
                .contains("attachment 'javascript:alert(1)' is not an http(s) URL");
        assertThat(
                        rejection(
                                conversation(
                                        ANN,
                                        "open",
                                        new SourceMessage(
                                                "m-1",
                                                "bot",
                                                null,
                                                null,
                                                "x",
                                                "2021-01-01T00:00:00Z",
                                                List.of(),
                                                false))))
                .contains("author type 'bot' is neither contact nor agent");
        assertThat(
                        rejection(
                                conversation(
                                        ANN,
                                        "open",
                                        new SourceMessage(
                                                "m-1",
                                                "contact",
                                                null,
                                                null,
                                                "x",
                                                "2021-01-01T00:00:00Z",
                                                List.of(),
                                                true))))
                .contains("internal but written by the contact");
        assertThat(
                        rejection(
                                conversation(
                                        ANN,
                                        "open",
                                        contact("m-1", "2021-01-01T00:00:00Z", "a"),
                                        contact("m-1", "2021-01-02T00:00:00Z", "b"))))
                .contains("message id m-1 appears more than once");
    }

    @Test
    void unreadableRecordsKeepTheirReason() {
        MappedRecord record =
                planner.process(
                        SourceRecord.unreadable(
                                new RecordOrigin("f.csv", 9, null, null), "bad quotes"));
        assertThat(record)
                .isEqualTo(new Rejected(new RecordOrigin("f.csv", 9, null, null), "bad quotes"));
    }

    @Test
    void messagesWithoutIdsGetStableContentKeys() {
        List<SourceMessage> messages =
                new ArrayList<>(
                        List.of(
                                contact(null, "2021-01-01T00:00:00Z", "a"),
                                contact(null, "2021-01-01T00:01:00Z", "b")));
        PlannedConversation first =
                planned(new SourceConversation("c-1", null, null, null, List.of(), ANN, messages));
        PlannedConversation again =
                planned(new SourceConversation("c-1", null, null, null, List.of(), ANN, messages));

        assertThat(first.parts())
                .extracting(PlannedPart::key)
                .allMatch(k -> k.startsWith(MessageKeys.WRITTEN_PREFIX))
                .doesNotHaveDuplicates();
        assertThat(first.parts()).isEqualTo(again.parts());
    }

    @Test
    void userTextThatReadsLikeATagCannotBeTakenForMarkup() {
        PlannedConversation planned =
                planned(
                        conversation(
                                ANN,
                                "open",
                                contact(
                                        "m-1",
                                        "2021-01-01T00:00:00Z",
                                        "<p>Ask &lt;which plan?&gt; or a <b>bold</b> one</p>")));

        assertThat(planned.opening().body())
                .isEqualTo("Ask <\u200Bwhich plan?> or a bold one")
                .doesNotContainPattern("<\\s*/?\\s*[a-zA-Z][^>]*>");
    }

    @Test
    void detailsAroundTheThreadFollowTheMappingTables() {
        ConversationPlanner mapped =
                new ConversationPlanner(
                        ZoneId.of("Europe/Paris"),
                        NOW,
                        new InboxMappingProperties(
                                List.of(new InboxMappingProperties.Entry("tier 2", "Escalations")),
                                List.of(
                                        new InboxMappingProperties.Entry(
                                                "360012345", "Order number"),
                                        new InboxMappingProperties.Entry("priority", "Priority"),
                                        new InboxMappingProperties.Entry("type", "Ticket type"))));
        SourceConversation source =
                conversation(ANN, "open", contact("m-1", "2021-03-04T10:15:00Z", "Hello"))
                        .withDetails(
                                new Details(
                                        " Bob@Acme.example ",
                                        " Tier 2 ",
                                        Map.of(
                                                "360012345", " 1042 ",
                                                "priority", "high",
                                                "type", " ",
                                                "unmapped", "kept out"),
                                        new SourceCompany(" acme-1 ", " Acme ")));

        MappedRecord record =
                mapped.process(SourceRecord.of(new RecordOrigin("f.json", 3, "c-1", null), source));

        PlannedDetails details = ((Planned) record).conversation().details();
        assertThat(details.assigneeEmail()).isEqualTo("bob@acme.example");
        assertThat(details.team()).isEqualTo("Escalations");
        assertThat(details.attributes())
                .as("only mapped fields with a value, trimmed, in the mapping's order")
                .containsExactly(Map.entry("Order number", "1042"), Map.entry("Priority", "high"));
        assertThat(details.company()).isEqualTo(new PlannedCompany("acme-1", "Acme"));
    }

    @Test
    void anUnusableAssigneeIsLeftOutWithAWarningNotARejection() {
        PlannedConversation planned =
                planned(
                        conversation(ANN, "open", contact("m-1", "2021-03-04T10:15:00Z", "Hello"))
                                .withDetails(
                                        new Details("Bob from billing", "Sales", Map.of(), null)));

        assertThat(planned.details().assigneeEmail()).isNull();
        assertThat(planned.details().team())
                .as("a team not in mapping.teams keeps its name")
                .isEqualTo("Sales");
        assertThat(planned.details().company()).isNull();
        assertThat(planned.warnings())
                .contains(
                        "conversation c-1: assignee 'Bob from billing' is not an email address;"
                                + " left unassigned");
    }
}
