package dev.migrator.delivery;

import static dev.migrator.delivery.ScriptedTransport.json;
import static dev.migrator.delivery.ScriptedTransport.lostAnswer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrator.attachments.AttachmentCarrier;
import dev.migrator.delivery.ConversationMigrator.Mode;
import dev.migrator.delivery.ConversationMigrator.Outcome;
import dev.migrator.intercom.IntercomApi;
import dev.migrator.ledger.Ledger.ConversationEntry;
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
import org.springframework.dao.DuplicateKeyException;

/**
 * Issue 12, case 7: one email sent to two support addresses gives two source conversations with the
 * same contact, the same {@code created_at} second and the same text. When a create's answer is
 * lost, the search that looks for it must never hand one Intercom conversation to both. Over the
 * real {@link ConversationMigrator}, a real ledger (in-memory H2) and a scripted transport; the
 * clock moves only when the migrator waits.
 */
class LostAnswerAdoptionTest {

    private static final String WORKSPACE = "app-1";
    private static final Duration WINDOW = Duration.ofMinutes(2);
    private static final String CONTACT_ID = "contact-1";
    private static final String EMAIL = "ann@example.com";
    private static final long SENT_AT = 1_600_000_000L;
    private static final String TEXT = "Please cancel my order 1234";

    private static final String CREATE = "POST /conversations";
    private static final String SEARCH = "POST /conversations/search";

    private final ManualClock clock = new ManualClock(Instant.parse("2024-05-01T12:00:00Z"));
    private final LedgerDatabase db = new LedgerDatabase();
    private final ScriptedTransport transport = new ScriptedTransport(clock);

    /** What Intercom's search shows now: the ids of the conversations with that opening. */
    private final AtomicReference<List<String>> searchShows = new AtomicReference<>(List.of());

    LostAnswerAdoptionTest() {
        db.ledger.saveContact(WORKSPACE, "email:" + EMAIL, CONTACT_ID, null);
        transport.always(SEARCH, request -> json(searchResult(searchShows.get())).answer(request));
    }

    @AfterEach
    void dropDatabase() {
        db.close();
    }

    @Test
    void case7_theLedgerGivesOneIntercomIdToOneSourceConversationOnly() {
        db.ledger.conversationCreating(WORKSPACE, "support:1", CONTACT_ID, "m1", SENT_AT, 0, 1);
        db.ledger.conversationCreating(WORKSPACE, "sales:1", CONTACT_ID, "m1", SENT_AT, 0, 1);
        db.ledger.conversationCreated(WORKSPACE, "support:1", "conv-1", 1);

        assertThatThrownBy(() -> db.ledger.conversationCreated(WORKSPACE, "sales:1", "conv-1", 1))
                .isInstanceOf(DuplicateKeyException.class);
    }

    @Test
    void case7_aConversationAnotherSourceConversationHoldsIsNeverAdopted() {
        transport.script(CREATE, json("{\"conversation_id\":\"conv-1\"}"));
        assertThat(migrator(Mode.MIGRATE).migrate(conversation("support:1")))
                .isEqualTo(new Outcome.Migrated(1));
        searchShows.set(List.of("conv-1"));
        // The second copy's create never reached Intercom: the search shows the first copy only.
        transport.script(CREATE, lostAnswer(), json("{\"conversation_id\":\"conv-2\"}"));

        Outcome migrated = migrator(Mode.MIGRATE).migrate(conversation("sales:1"));
        Outcome settled =
                migrated instanceof Outcome.Deferred ? settle(conversation("sales:1")) : migrated;

        assertThat(migrated).isInstanceOf(Outcome.Deferred.class);
        assertThat(settled).isEqualTo(new Outcome.Migrated(1));
        assertThat(intercomId("support:1")).isEqualTo("conv-1");
        assertThat(intercomId("sales:1")).isEqualTo("conv-2");
        assertThat(transport.received(CREATE)).hasSize(3);
    }

    @Test
    void case7_aLaterLookAdoptsTheOnlyCandidateNoOtherSourceConversationHolds() {
        transport.script(CREATE, lostAnswer(), lostAnswer());
        // Both creates happened; search shows the second one late.
        searchShows.set(List.of("conv-1"));
        Outcome first = migrator(Mode.MIGRATE).migrate(conversation("support:1"));
        searchShows.set(List.of("conv-1", "conv-2"));
        Outcome second = migrator(Mode.MIGRATE).migrate(conversation("sales:1"));

        assertThat(first).isEqualTo(new Outcome.Migrated(1));
        assertThat(second).isEqualTo(new Outcome.Migrated(1));
        assertThat(intercomId("support:1")).isEqualTo("conv-1");
        assertThat(intercomId("sales:1")).isEqualTo("conv-2");
        assertThat(transport.received(CREATE)).hasSize(2);
    }

    @Test
    void case7_twoIdenticalSourceConversationsBothLostAreNeverGivenOneIntercomConversation() {
        transport.script(CREATE, lostAnswer(), lostAnswer());
        searchShows.set(List.of("conv-1", "conv-2"));

        Outcome firstMigrated = migrator(Mode.MIGRATE).migrate(conversation("support:1"));
        Outcome secondMigrated = migrator(Mode.MIGRATE).migrate(conversation("sales:1"));
        assertThat(firstMigrated)
                .as("two candidates: not decidable in the migrate step")
                .isInstanceOf(Outcome.Deferred.class);
        assertThat(secondMigrated).isInstanceOf(Outcome.Deferred.class);

        Outcome firstSettled = settle(conversation("support:1"));
        Outcome secondSettled = settle(conversation("sales:1"));

        Map<String, Outcome> settled = Map.of("support:1", firstSettled, "sales:1", secondSettled);
        settled.forEach(
                (sourceId, outcome) -> {
                    if (outcome instanceof Outcome.Refused refused) {
                        assertThat(refused.reason())
                                .contains(sourceId, "conv-1", "conv-2", "ambiguous");
                        assertThat(db.ledger.conversation(WORKSPACE, sourceId))
                                .map(ConversationEntry::intercomId)
                                .isEmpty();
                    } else {
                        assertThat(outcome).isEqualTo(new Outcome.Migrated(1));
                    }
                });
        List<String> adopted =
                settled.keySet().stream()
                        .map(id -> db.ledger.conversation(WORKSPACE, id))
                        .flatMap(e -> e.map(ConversationEntry::intercomId).stream())
                        .toList();
        assertThat(adopted).doesNotHaveDuplicates();
        assertThat(transport.received(CREATE)).as("none is created twice").hasSize(2);
        assertThat(clock.millis())
                .as("the settle step decided only after the in-doubt window")
                .isGreaterThanOrEqualTo(
                        Instant.parse("2024-05-01T12:00:00Z").toEpochMilli() + WINDOW.toMillis());
    }

    @Test
    void case7_aCreateWhoseConversationAnotherLostCreateAdoptedFirstIsSettledAgain() {
        // support:1's create is answered conv-1, but before its id reaches the ledger, sales:1
        // (whose own create never reached Intercom) searches, sees conv-1 and adopts it.
        AtomicReference<Outcome> salesMigrated = new AtomicReference<>();
        transport.script(
                CREATE,
                request -> {
                    searchShows.set(List.of("conv-1"));
                    salesMigrated.set(migrator(Mode.MIGRATE).migrate(conversation("sales:1")));
                    return json("{\"conversation_id\":\"conv-1\"}").answer(request);
                },
                lostAnswer(),
                json("{\"conversation_id\":\"conv-2\"}"));

        Outcome supportMigrated = migrator(Mode.MIGRATE).migrate(conversation("support:1"));
        Outcome supportSettled =
                supportMigrated instanceof Outcome.Deferred
                        ? settle(conversation("support:1"))
                        : supportMigrated;

        assertThat(salesMigrated.get()).isEqualTo(new Outcome.Migrated(1));
        assertThat(intercomId("sales:1")).isEqualTo("conv-1");
        assertThat(supportMigrated).isInstanceOf(Outcome.Deferred.class);
        assertThat(supportSettled).isEqualTo(new Outcome.Migrated(1));
        assertThat(intercomId("support:1")).isEqualTo("conv-2");
        assertThat(transport.received(CREATE)).hasSize(3);
    }

    private ConversationMigrator migrator(Mode mode) {
        return new ConversationMigrator(
                new IntercomApi(transport, ScriptedTransport.JSON),
                db.ledger,
                WorkspaceDirectory.of(AdminDirectory.of(Map.of(), "admin-1", "admin-1")),
                WORKSPACE,
                1,
                WINDOW,
                clock,
                mode,
                DeliveryOptions.NONE,
                AttachmentCarrier.links(),
                millis -> clock.advance(Duration.ofMillis(millis)));
    }

    /**
     * What the settle step does for one record: tries it in rounds, waiting (moving the clock)
     * between two until Intercom can tell, at most a second, until it is no longer deferred.
     */
    private Outcome settle(PlannedConversation conversation) {
        while (true) {
            Outcome outcome = migrator(Mode.SETTLE).migrate(conversation);
            if (!(outcome instanceof Outcome.Deferred deferred)) {
                return outcome;
            }
            clock.advance(
                    Duration.ofMillis(Math.min(deferred.decidableAt() - clock.millis(), 1_000)));
        }
    }

    private String intercomId(String sourceId) {
        return db.ledger.conversation(WORKSPACE, sourceId).orElseThrow().intercomId();
    }

    private static PlannedConversation conversation(String sourceId) {
        PlannedPart opening =
                new PlannedPart("m1", Author.CONTACT, null, null, false, TEXT, SENT_AT, List.of());
        return new PlannedConversation(
                sourceId,
                new PlannedContact(EMAIL, null, "Ann", ContactRole.USER),
                null, // no title: nothing to update after the create
                List.of(opening),
                false,
                List.of(),
                List.of());
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
