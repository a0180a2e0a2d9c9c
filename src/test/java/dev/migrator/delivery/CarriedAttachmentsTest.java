package dev.migrator.delivery;

import static dev.migrator.delivery.ScriptedTransport.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.attachments.AttachmentCarrier;
import dev.migrator.attachments.AttachmentDownloads;
import dev.migrator.attachments.AttachmentProperties;
import dev.migrator.attachments.SourceCredentials;
import dev.migrator.delivery.ConversationMigrator.Mode;
import dev.migrator.delivery.ConversationMigrator.Outcome;
import dev.migrator.intercom.ApiRequest;
import dev.migrator.intercom.AttachmentFile;
import dev.migrator.intercom.IntercomApi;
import dev.migrator.intercom.IntercomProperties.RetryProperties;
import dev.migrator.ledger.Ledger.AttachmentFailure;
import dev.migrator.ledger.LedgerDatabase;
import dev.migrator.mapping.PlannedAttachment;
import dev.migrator.mapping.PlannedConversation;
import dev.migrator.mapping.PlannedConversation.ContactRole;
import dev.migrator.mapping.PlannedConversation.PlannedContact;
import dev.migrator.mapping.PlannedPart;
import dev.migrator.mapping.PlannedPart.Author;
import dev.migrator.support.YamlBinding;
import dev.migrator.testserver.FakeIntercom.ManualClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;
import tools.jackson.databind.JsonNode;

/**
 * Attachments the migrator carries, through the real {@link ConversationMigrator}, a real ledger
 * (in-memory H2), a scripted Intercom and a local source of files: the opening's files in a note
 * right after the create, a reply's with the reply, a file that cannot be had as a link in the body
 * and in the ledger, and a part in doubt found again though its list of files not carried differs.
 */
class CarriedAttachmentsTest {

    private static final String WORKSPACE = "app-1";
    private static final String SOURCE_ID = "t-1";
    private static final String CONTACT_ID = "contact-1";
    private static final String EMAIL = "ann@example.com";
    private static final long SENT_AT = 1_600_000_000L;
    private static final String CREATE = "POST /conversations";
    private static final String REPLY = "POST /conversations/conv-1/reply";
    private static final String GET = "GET /conversations/conv-1";

    @TempDir Path stateDir;

    private final ManualClock clock = new ManualClock(Instant.parse("2024-05-01T12:00:00Z"));
    private final LedgerDatabase db = new LedgerDatabase();
    private final ScriptedTransport transport = new ScriptedTransport(clock);
    private final MockWebServer source = new MockWebServer();

    /** Each reply's body, and its files' names and contents, read while the request is sent. */
    private final List<JsonNode> replies = new ArrayList<>();

    private final List<List<String>> replyFiles = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        source.start();
        db.ledger.saveContact(WORKSPACE, "email:" + EMAIL, CONTACT_ID, null);
        transport.always(
                REPLY,
                request -> {
                    replies.add(request.body());
                    replyFiles.add(request.files().stream().map(this::describe).toList());
                    return json("{}").answer(request);
                });
    }

    @AfterEach
    void stop() throws IOException {
        source.shutdown();
        db.close();
    }

    @Test
    void the_openings_files_go_in_a_note_right_after_the_create_and_a_replys_with_the_reply()
            throws IOException {
        source.enqueue(new MockResponse().setHeader("Content-Type", "image/png").setBody("AAA"));
        source.enqueue(new MockResponse().setBody("BB"));
        transport.script(CREATE, json("{\"conversation_id\":\"conv-1\"}"));
        ConversationMigrator migrator = migrator("upload");

        Outcome outcome =
                migrator.migrate(
                        conversation(
                                opening(file("/a.png", "a.png", null)),
                                reply("Here it is", file("/b.pdf", "b.pdf", "application/pdf"))));

        assertThat(outcome).isEqualTo(new Outcome.Migrated(3));
        ApiRequest create = transport.received(CREATE).get(0).request();
        assertThat(create.body().has("attachment_urls")).isFalse();
        assertThat(create.files()).isEmpty();
        assertThat(replies).hasSize(2);
        JsonNode note = replies.get(0);
        assertThat(note.path("message_type").asString()).isEqualTo("note");
        assertThat(note.path("admin_id").asString()).isEqualTo("admin-1");
        assertThat(note.path("created_at").asLong()).isEqualTo(SENT_AT);
        assertThat(note.path("body").asString()).isEqualTo("Attachments of the first message:");
        assertThat(replyFiles.get(0)).containsExactly("a.png image/png 3 AAA");
        assertThat(replies.get(1).path("body").asString()).isEqualTo("Here it is");
        assertThat(replies.get(1).has("attachment_urls")).isFalse();
        assertThat(replyFiles.get(1)).containsExactly("b.pdf application/pdf 2 BB");
        assertThat(
                        db.ledger
                                .knownParts(WORKSPACE, SOURCE_ID)
                                .get(ConversationMigrator.OPENING_FILES_KEY)
                                .sent())
                .isTrue();
        assertThat(migrator.requiredCalls().repliesSent()).as("the note is a reply").isEqualTo(2);
        try (Stream<Path> left = Files.list(stateDir.resolve("downloads"))) {
            assertThat(left).as("each file deleted once sent").isEmpty();
        }
    }

    @Test
    void a_file_that_cannot_be_had_goes_as_a_link_in_the_body_and_is_recorded() {
        source.enqueue(new MockResponse().setResponseCode(404)); // auto's check
        source.enqueue(new MockResponse().setResponseCode(410)); // the download
        transport.script(CREATE, json("{\"conversation_id\":\"conv-1\"}"));
        PlannedAttachment expired = file("/expired.pdf", "report.pdf", null);

        migrator("auto").migrate(conversation(opening(), reply("See attached", expired)));

        assertThat(replies.get(0).path("body").asString())
                .isEqualTo(
                        "See attached\n\nAttachments not carried over:\nreport.pdf: "
                                + expired.url());
        assertThat(replies.get(0).has("attachment_urls")).isFalse();
        assertThat(replyFiles.get(0)).isEmpty();
        List<AttachmentFailure> failed = new ArrayList<>();
        db.ledger.forEachAttachmentFailure(1, failed::add);
        assertThat(failed)
                .containsExactly(
                        new AttachmentFailure(
                                SOURCE_ID,
                                "m2",
                                expired.url(),
                                "report.pdf",
                                "the source answered HTTP 410"));
    }

    @Test
    void a_part_in_doubt_is_found_though_its_files_not_carried_differ_from_this_attempts() {
        // A crash left the note and the reply SENDING. Intercom took both: the reply when its file
        // could not be downloaded, so its body lists it; now the file downloads fine.
        PlannedAttachment flaky = file("/flaky.pdf", "r.pdf", null);
        db.ledger.conversationCreating(WORKSPACE, SOURCE_ID, CONTACT_ID, "m1", SENT_AT, 0, 1);
        db.ledger.conversationCreated(WORKSPACE, SOURCE_ID, "conv-1", 1);
        db.ledger.partSending(
                WORKSPACE, SOURCE_ID, ConversationMigrator.OPENING_FILES_KEY, SENT_AT, 1);
        db.ledger.partSending(WORKSPACE, SOURCE_ID, "m2", SENT_AT + 60, 1);
        transport.always(
                GET,
                json(
                        """
                        {"type":"conversation","id":"conv-1","created_at":%d,"state":"open",
                         "source":{"body":"<p>Hello</p>","author":{"type":"user","id":"%s"}},
                         "conversation_parts":{"conversation_parts":[
                           {"part_type":"note","created_at":%d,
                            "body":"<p>Attachments of the first message:</p>",
                            "author":{"type":"admin","id":"admin-1"}},
                           {"part_type":"comment","created_at":%d,
                            "body":"<p>Here it is</p><p>Attachments not carried over:<br>r.pdf: %s</p>",
                            "author":{"type":"admin","id":"admin-1"}}]}}\
                        """
                                .formatted(
                                        SENT_AT, CONTACT_ID, SENT_AT, SENT_AT + 60, flaky.url())));
        for (int i = 0; i < 10; i++) {
            source.enqueue(new MockResponse().setBody("fine now"));
        }

        Outcome outcome =
                migrator("upload")
                        .migrate(
                                conversation(
                                        opening(file("/a.png", "a.png", null)),
                                        reply("Here it is", flaky)));

        assertThat(outcome).isEqualTo(new Outcome.AlreadyMigrated());
        assertThat(replies).as("neither sent again").isEmpty();
        assertThat(db.ledger.knownParts(WORKSPACE, SOURCE_ID).get("m2").sent()).isTrue();
        assertThat(
                        db.ledger
                                .knownParts(WORKSPACE, SOURCE_ID)
                                .get(ConversationMigrator.OPENING_FILES_KEY)
                                .sent())
                .isTrue();
    }

    @Test
    void a_dry_run_or_link_mode_sends_every_attachment_as_its_url() {
        transport.script(CREATE, json("{\"conversation_id\":\"conv-1\"}"));
        PlannedAttachment a = file("/a.png", "a.png", null);
        PlannedAttachment b = file("/b.pdf", "b.pdf", null);

        migrator("link").migrate(conversation(opening(a), reply("Here it is", b)));

        assertThat(transport.received(CREATE).get(0).request().body().path("attachment_urls"))
                .extracting(JsonNode::asString)
                .containsExactly(a.url());
        assertThat(replies).hasSize(1);
        assertThat(replies.get(0).path("attachment_urls"))
                .extracting(JsonNode::asString)
                .containsExactly(b.url());
        assertThat(source.getRequestCount()).isZero();
    }

    private ConversationMigrator migrator(String mode) {
        AttachmentProperties properties =
                YamlBinding.bind(
                        "migration:\n  attachments: " + mode + "\n",
                        "migration",
                        AttachmentProperties.class);
        return new ConversationMigrator(
                new IntercomApi(transport, ScriptedTransport.JSON),
                db.ledger,
                WorkspaceDirectory.of(AdminDirectory.of(Map.of(), "admin-1", "admin-1")),
                WORKSPACE,
                1,
                Duration.ofMinutes(2),
                clock,
                Mode.MIGRATE,
                DeliveryOptions.NONE,
                new AttachmentCarrier(
                        properties,
                        SourceCredentials.from(properties, new MockEnvironment()),
                        new AttachmentDownloads(
                                stateDir.resolve("downloads"),
                                Duration.ofSeconds(5),
                                new RetryProperties(2, Duration.ofMillis(1), Duration.ofMillis(1)),
                                clock,
                                millis -> clock.advance(Duration.ofMillis(millis)),
                                spent -> {})));
    }

    private PlannedAttachment file(String path, String name, String contentType) {
        return new PlannedAttachment(source.url(path).toString(), name, contentType);
    }

    private static PlannedPart opening(PlannedAttachment... files) {
        return new PlannedPart(
                "m1", Author.CONTACT, null, null, false, "Hello", SENT_AT, List.of(files));
    }

    private static PlannedPart reply(String body, PlannedAttachment... files) {
        return new PlannedPart(
                "m2",
                Author.AGENT,
                "bob@example.com",
                "Bob",
                false,
                body,
                SENT_AT + 60,
                List.of(files));
    }

    private static PlannedConversation conversation(PlannedPart... parts) {
        return new PlannedConversation(
                SOURCE_ID,
                new PlannedContact(EMAIL, null, "Ann", ContactRole.USER),
                null,
                List.of(parts),
                false,
                List.of(),
                List.of());
    }

    private String describe(AttachmentFile file) {
        try {
            return file.name()
                    + " "
                    + file.contentType()
                    + " "
                    + file.size()
                    + " "
                    + Files.readString(file.path());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
