package dev.migrator.delivery;

import static dev.migrator.delivery.ScriptedTransport.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.attachments.AttachmentCarrier;
import dev.migrator.delivery.ConversationMigrator.Mode;
import dev.migrator.delivery.ConversationMigrator.Outcome;
import dev.migrator.intercom.IntercomApi;
import dev.migrator.ledger.LedgerDatabase;
import dev.migrator.mapping.PlannedConversation;
import dev.migrator.mapping.PlannedConversation.ContactRole;
import dev.migrator.mapping.PlannedConversation.PlannedContact;
import dev.migrator.mapping.PlannedPart;
import dev.migrator.mapping.PlannedPart.Author;
import dev.migrator.testserver.FakeIntercom.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, case 1: {@code --adopt-existing} and the conversation update, over the real {@link
 * ConversationMigrator}, a real ledger (in-memory H2) and a scripted transport.
 */
class AdoptExistingTest {

    private static final String WORKSPACE = "app-1";
    private static final String CONTACT_ID = "contact-1";
    private static final String EMAIL = "ann@example.com";
    private static final long SENT_AT = 1_600_000_000L;
    private static final String TEXT = "Please cancel my order 1234";
    private static final String REPLY = "Thanks, that was quick";

    private static final String CREATE = "POST /conversations";
    private static final String SEARCH = "POST /conversations/search";

    private final ManualClock clock = new ManualClock(Instant.parse("2024-05-01T12:00:00Z"));
    private final LedgerDatabase db = new LedgerDatabase();
    private final ScriptedTransport transport = new ScriptedTransport(clock);
    private final AtomicReference<List<String>> searchShows = new AtomicReference<>(List.of());

    AdoptExistingTest() {
        db.ledger.saveContact(WORKSPACE, "email:" + EMAIL, CONTACT_ID, null);
        transport.always(SEARCH, request -> json(searchResult(searchShows.get())).answer(request));
        transport.always("GET /conversations/conv-1", json(conversationWithReply()));
        transport.always("PUT /conversations/conv-1", json("{\"type\":\"conversation\"}"));
    }

    @AfterEach
    void dropDatabase() {
        db.close();
    }

    @Test
    void case1_adoptExistingAdoptsTheOnlyCopyWithItsPartsAndSendsNothingAgain() {
        searchShows.set(List.of("conv-1"));

        Outcome outcome = migrator(new DeliveryOptions(null, true, false)).migrate(conversation());

        // Only its title is set: one update.
        assertThat(outcome).isEqualTo(new Outcome.Migrated(0));
        assertThat(db.ledger.conversation(WORKSPACE, "support:1").orElseThrow().intercomId())
                .isEqualTo("conv-1");
        assertThat(db.ledger.parts(WORKSPACE, "support:1")).containsOnlyKeys("m2");
        assertThat(transport.received(CREATE)).isEmpty();
        assertThat(transport.received("POST /conversations/conv-1/reply")).isEmpty();
        assertThat(transport.received("PUT /conversations/conv-1"))
                .singleElement()
                .satisfies(
                        put ->
                                assertThat(put.request().body().toString())
                                        .isEqualTo("{\"title\":\"Cancel\"}"));
    }

    @Test
    void case1_adoptExistingNeverGuessesBetweenSeveralCopies() {
        searchShows.set(List.of("conv-1", "conv-2"));

        Outcome outcome = migrator(new DeliveryOptions(null, true, false)).migrate(conversation());

        assertThat(outcome).isInstanceOf(Outcome.Refused.class);
        assertThat(((Outcome.Refused) outcome).reason())
                .contains("--adopt-existing", "conv-1, conv-2", "not created again");
        assertThat(transport.received(CREATE)).isEmpty();
        assertThat(db.ledger.conversation(WORKSPACE, "support:1")).isEmpty();
    }

    @Test
    void case1_aConversationUpdateACrashKeptFromIntercomIsAppliedLaterOnce() {
        // The create was answered and recorded; the process died before the update.
        db.ledger.conversationCreating(WORKSPACE, "support:1", CONTACT_ID, "m1", SENT_AT, 0, 1);
        db.ledger.conversationCreated(WORKSPACE, "support:1", "conv-1", 1);
        db.ledger.partSending(WORKSPACE, "support:1", "m2", SENT_AT + 60, 0);
        db.ledger.partSent(WORKSPACE, "support:1", "m2", 1);
        ConversationMigrator migrator =
                migrator(new DeliveryOptions("migrator_source", false, false));

        Outcome first = migrator.migrate(conversation());
        Outcome second = migrator.migrate(conversation());

        assertThat(first).isEqualTo(new Outcome.Migrated(0));
        assertThat(second).isEqualTo(new Outcome.AlreadyMigrated());
        assertThat(transport.received("PUT /conversations/conv-1"))
                .singleElement()
                .satisfies(
                        put ->
                                assertThat(put.request().body().toString())
                                        .isEqualTo(
                                                "{\"title\":\"Cancel\",\"custom_attributes\":{\"migrator_source\":\"support:1\"}}"));
    }

    private ConversationMigrator migrator(DeliveryOptions options) {
        return new ConversationMigrator(
                new IntercomApi(transport, ScriptedTransport.JSON),
                db.ledger,
                WorkspaceDirectory.of(AdminDirectory.of(Map.of(), "admin-1", "admin-1")),
                WORKSPACE,
                2,
                Duration.ofMinutes(2),
                clock,
                Mode.MIGRATE,
                options,
                AttachmentCarrier.links(),
                millis -> clock.advance(Duration.ofMillis(millis)));
    }

    private static PlannedConversation conversation() {
        return new PlannedConversation(
                "support:1",
                new PlannedContact(EMAIL, null, "Ann", ContactRole.USER),
                "Cancel",
                List.of(
                        new PlannedPart(
                                "m1", Author.CONTACT, null, null, false, TEXT, SENT_AT, List.of()),
                        new PlannedPart(
                                "m2",
                                Author.CONTACT,
                                null,
                                null,
                                false,
                                REPLY,
                                SENT_AT + 60,
                                List.of())),
                false,
                List.of(),
                List.of());
    }

    private static String conversationWithReply() {
        return """
        {"type":"conversation","id":"conv-1","created_at":%d,"state":"open",
         "source":{"body":"<p>%s</p>","author":{"type":"user","id":"%s"}},
         "conversation_parts":{"conversation_parts":[
           {"part_type":"comment","created_at":%d,"body":"<p>%s</p>",
            "author":{"type":"user","id":"%s"}}]}}
        """
                .formatted(SENT_AT, TEXT, CONTACT_ID, SENT_AT + 60, REPLY, CONTACT_ID);
    }

    private static String searchResult(List<String> ids) {
        StringBuilder conversations = new StringBuilder();
        for (String id : ids) {
            conversations
                    .append(conversations.length() == 0 ? "" : ",")
                    .append("{\"id\":\"")
                    .append(id)
                    .append("\",\"created_at\":")
                    .append(SENT_AT)
                    .append(",\"source\":{\"body\":\"<p>")
                    .append(TEXT)
                    .append("</p>\"}}");
        }
        return "{\"type\":\"conversation.list\",\"conversations\":[" + conversations + "]}";
    }
}
