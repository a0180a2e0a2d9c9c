package dev.migrator.delivery;

import static dev.migrator.delivery.ScriptedTransport.json;
import static dev.migrator.delivery.ScriptedTransport.lostAnswer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.attachments.AttachmentCarrier;
import dev.migrator.delivery.ConversationMigrator.Mode;
import dev.migrator.delivery.ConversationMigrator.Outcome;
import dev.migrator.delivery.ScriptedTransport.Received;
import dev.migrator.intercom.ApiErrorException;
import dev.migrator.intercom.IntercomApi;
import dev.migrator.intercom.IntercomApi.ConversationAttribute;
import dev.migrator.ledger.Ledger;
import dev.migrator.ledger.Ledger.ConversationEntry;
import dev.migrator.ledger.LedgerDatabase;
import dev.migrator.mapping.PlannedConversation;
import dev.migrator.mapping.PlannedConversation.ContactRole;
import dev.migrator.mapping.PlannedConversation.PlannedCompany;
import dev.migrator.mapping.PlannedConversation.PlannedContact;
import dev.migrator.mapping.PlannedConversation.PlannedDetails;
import dev.migrator.mapping.PlannedPart;
import dev.migrator.mapping.PlannedPart.Author;
import dev.migrator.testserver.FakeIntercom.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 15: what agents see around the thread (company, title, attributes, assignee and team),
 * applied exactly once over the real {@link ConversationMigrator}, a real ledger (in-memory H2) and
 * a scripted transport; the clock moves only when the migrator waits or the test says so.
 */
class InboxDetailsTest {

    private static final String WORKSPACE = "app-1";
    private static final Duration WINDOW = Duration.ofMinutes(2);
    private static final String CONTACT_ID = "contact-1";
    private static final String EMAIL = "ann@example.com";
    private static final long SENT_AT = 1_600_000_000L;

    private static final String CREATE = "POST /conversations";
    private static final String UPDATE = "PUT /conversations/conv-1";
    private static final String PARTS = "POST /conversations/conv-1/parts";
    private static final String REPLY = "POST /conversations/conv-1/reply";
    private static final String GET = "GET /conversations/conv-1";
    private static final String COMPANIES = "POST /companies";
    private static final String FIND_COMPANY = "GET /companies?company_id=org-7";
    private static final String ATTACH = "POST /contacts/contact-1/companies";

    private final ManualClock clock = new ManualClock(Instant.parse("2024-05-01T12:00:00Z"));
    private final LedgerDatabase db = new LedgerDatabase();
    private final ScriptedTransport transport = new ScriptedTransport(clock);

    /** Whom Intercom shows conv-1 assigned to now (admin, team; null: nobody). */
    private final AtomicReference<String> adminShown = new AtomicReference<>();

    private final AtomicReference<String> teamShown = new AtomicReference<>();

    private final AtomicReference<String> stateShown = new AtomicReference<>("open");

    private final WorkspaceDirectory directory =
            new WorkspaceDirectory(
                    AdminDirectory.of(
                            Map.of("bob@example.com", "admin-bob", "eve@example.com", "admin-eve"),
                            "admin-1",
                            "admin-1"),
                    TeamDirectory.of(Map.of("Billing", "team-7")),
                    AttributeSchema.of(
                            List.of(
                                    new ConversationAttribute("seats", "integer", List.of()),
                                    new ConversationAttribute(
                                            "plan", "list", List.of("Free", "Pro")),
                                    new ConversationAttribute("migrator_source", "string", null)),
                            ZoneOffset.UTC));

    InboxDetailsTest() {
        db.ledger.saveContact(WORKSPACE, "email:" + EMAIL, CONTACT_ID, null);
        transport.always(CREATE, json("{\"conversation_id\":\"conv-1\"}"));
        transport.always(UPDATE, json("{\"type\":\"conversation\"}"));
        transport.always(PARTS, json("{\"type\":\"conversation\"}"));
        transport.always(REPLY, json("{\"type\":\"conversation\"}"));
        transport.always(
                FIND_COMPANY,
                request -> {
                    throw new ApiErrorException(404, "company_not_found", "Company Not Found");
                });
        transport.always(COMPANIES, json("{\"type\":\"company\",\"id\":\"co-1\"}"));
        transport.always(ATTACH, json("{\"type\":\"company\",\"id\":\"co-1\"}"));
        transport.always(GET, request -> json(shown()).answer(request));
        // A second conversation, for the tests that migrate two.
        transport.always("PUT /conversations/conv-2", json("{\"type\":\"conversation\"}"));
        transport.always("POST /conversations/conv-2/reply", json("{\"type\":\"conversation\"}"));
    }

    @AfterEach
    void dropDatabase() {
        db.close();
    }

    @Test
    void aCompanyIsCreatedOnceAndItsContactAttachedOnceAcrossTwoRuns() {
        PlannedDetails details = new PlannedDetails(null, null, Map.of(), company());
        transport.script(CREATE, json("{\"conversation_id\":\"conv-1\"}"), secondCreated());
        ConversationMigrator first = migrator(DeliveryOptions.NONE);
        first.migrate(conversation("c-1", details));
        first.migrate(conversation("c-2", details));
        ConversationMigrator second = migrator(DeliveryOptions.NONE);

        Outcome again = second.migrate(conversation("c-1", details));

        assertThat(again).isEqualTo(new Outcome.AlreadyMigrated());
        assertThat(transport.received(COMPANIES))
                .singleElement()
                .satisfies(
                        upsert ->
                                assertThat(upsert.request().body().toString())
                                        .isEqualTo("{\"company_id\":\"org-7\",\"name\":\"Acme\"}"));
        assertThat(transport.received(ATTACH))
                .singleElement()
                .satisfies(
                        attach ->
                                assertThat(attach.request().body().toString())
                                        .isEqualTo("{\"id\":\"co-1\"}"));
        assertThat(first.inboxTally().companiesAttached()).isEqualTo(1);
        assertThat(first.requiredCalls().companiesUpserted())
                .as("a look-up, then the create")
                .isEqualTo(2);
        assertThat(first.requiredCalls().companiesAttached()).isEqualTo(1);
        assertThat(second.inboxTally().companiesAttached()).isZero();
        assertThat(second.requiredCalls().total()).isZero();
    }

    @Test
    void aCompanyThatExistsIsUsedAsItIsAndNotRecordedAsCreated() {
        transport.always(
                FIND_COMPANY,
                json("{\"type\":\"list\",\"data\":[{\"type\":\"company\",\"id\":\"co-9\"}]}"));

        migrator(DeliveryOptions.NONE)
                .migrate(conversation("c-1", new PlannedDetails(null, null, Map.of(), company())));

        assertThat(transport.received(COMPANIES)).isEmpty();
        assertThat(transport.received(ATTACH))
                .singleElement()
                .satisfies(
                        attach ->
                                assertThat(attach.request().body().toString())
                                        .isEqualTo("{\"id\":\"co-9\"}"));
        assertThat(db.ledger.createdCompanies(WORKSPACE, Ledger.RunScope.all())).isEmpty();
    }

    @Test
    void aCompanyTheRunMadeIsRecordedAsCreatedByIt() {
        migrator(DeliveryOptions.NONE)
                .migrate(conversation("c-1", new PlannedDetails(null, null, Map.of(), company())));

        assertThat(db.ledger.createdCompanies(WORKSPACE, Ledger.RunScope.of(1)))
                .containsExactly(new Ledger.CreatedCompany("org-7", "co-1"));
        assertThat(db.ledger.createdCompanies(WORKSPACE, Ledger.RunScope.of(2))).isEmpty();
    }

    @Test
    void aContactCreatedMomentsAgoIsAttachedOnceIntercomShowsIt() {
        transport.always("POST /contacts/search", json("{\"type\":\"list\",\"data\":[]}"));
        transport.always("POST /contacts", json("{\"type\":\"contact\",\"id\":\"contact-2\"}"));
        transport.script(
                "POST /contacts/contact-2/companies",
                request -> {
                    throw new ApiErrorException(404, "not_found", "User Not Found");
                },
                json("{\"type\":\"company\",\"id\":\"co-1\"}"));
        PlannedConversation conversation =
                conversation("c-1", new PlannedDetails(null, null, Map.of(), company()));
        PlannedConversation byNewContact =
                new PlannedConversation(
                        "c-1",
                        new PlannedContact("new@example.com", null, "New", ContactRole.USER),
                        conversation.subject(),
                        conversation.parts(),
                        false,
                        List.of(),
                        List.of(),
                        conversation.details());
        long before = clock.millis();

        Outcome outcome = migrator(DeliveryOptions.NONE).migrate(byNewContact);

        assertThat(outcome).isEqualTo(new Outcome.Migrated(2));
        assertThat(transport.received("POST /contacts/contact-2/companies")).hasSize(2);
        assertThat(clock.millis()).as("waited before trying again").isGreaterThan(before);
        assertThat(db.ledger.isAttached(WORKSPACE, "contact-2", "co-1")).isTrue();
    }

    @Test
    void titleAttributesAndSourceKeyGoInOneUpdateAppliedOnceAndAgainOnceWhenChanged() {
        DeliveryOptions options = new DeliveryOptions("migrator_source", false, false);
        PlannedDetails details =
                new PlannedDetails(null, null, attributes("seats", "12", "plan", "pro"), null);
        ConversationMigrator migrator = migrator(options);

        Outcome first = migrator.migrate(conversation("c-1", details));
        Outcome same = migrator(options).migrate(conversation("c-1", details));
        PlannedDetails changed =
                new PlannedDetails(null, null, attributes("seats", "13", "plan", "pro"), null);
        Outcome later = migrator(options).migrate(conversation("c-1", changed));
        Outcome laterAgain = migrator(options).migrate(conversation("c-1", changed));

        assertThat(first).isEqualTo(new Outcome.Migrated(2));
        assertThat(same).isEqualTo(new Outcome.AlreadyMigrated());
        assertThat(later).isEqualTo(new Outcome.Migrated(0));
        assertThat(laterAgain).isEqualTo(new Outcome.AlreadyMigrated());
        assertThat(transport.received(UPDATE))
                .extracting(put -> put.request().body().toString())
                .containsExactly(
                        "{\"title\":\"Cancel my order\",\"custom_attributes\":"
                                + "{\"migrator_source\":\"c-1\",\"plan\":\"Pro\",\"seats\":12}}",
                        "{\"title\":\"Cancel my order\",\"custom_attributes\":"
                                + "{\"migrator_source\":\"c-1\",\"plan\":\"Pro\",\"seats\":13}}");
        assertThat(migrator.inboxTally().titlesSet()).isEqualTo(1);
        assertThat(migrator.inboxTally().attributesSet())
                .as("the source key is not one of the mapped values")
                .isEqualTo(2);
        assertThat(migrator.requiredCalls().updatesSent()).isEqualTo(1);
    }

    @Test
    void nothingToSetSendsNoUpdate() {
        Outcome outcome =
                migrator(DeliveryOptions.NONE)
                        .migrate(conversation("c-1", null, PlannedDetails.NONE));

        assertThat(outcome).isEqualTo(new Outcome.Migrated(2));
        assertThat(transport.received(UPDATE)).isEmpty();
    }

    @Test
    void aValueThatDoesNotFitItsAttributeIsLeftOutAndCountedAndTheRestIsSet() {
        PlannedDetails details =
                new PlannedDetails(null, null, attributes("seats", "lots", "plan", "Free"), null);
        transport.script(CREATE, json("{\"conversation_id\":\"conv-1\"}"), secondCreated());
        ConversationMigrator migrator = migrator(DeliveryOptions.NONE);

        Outcome first = migrator.migrate(conversation("c-1", details));
        Outcome second = migrator.migrate(conversation("c-2", details));

        assertThat(first).isEqualTo(new Outcome.Migrated(2));
        assertThat(second).isEqualTo(new Outcome.Migrated(2));
        assertThat(transport.received().stream().filter(r -> r.request().method().equals("PUT")))
                .extracting(put -> put.request().body().path("custom_attributes").toString())
                .containsExactly("{\"plan\":\"Free\"}", "{\"plan\":\"Free\"}");
        assertThat(migrator.inboxTally().attributesLeftOut()).isEqualTo(Map.of("seats", 2L));
        assertThat(migrator.inboxTally().attributesSet()).isEqualTo(2);
    }

    @Test
    void theAssignmentComesAfterTheRepliesAndBeforeTheClose() {
        ConversationMigrator migrator = migrator(DeliveryOptions.NONE);

        Outcome outcome =
                migrator.migrate(closed(conversation("c-1", assignedTo("BOB@example.com"))));

        assertThat(outcome).isEqualTo(new Outcome.Migrated(2));
        assertThat(transport.received().stream().map(InboxDetailsTest::describe))
                .containsExactly(
                        CREATE,
                        UPDATE,
                        REPLY,
                        PARTS + " assignment admin admin-bob",
                        PARTS + " assignment team team-7",
                        PARTS + " close");
        assertThat(transport.received(PARTS).get(0).request().body().path("admin_id").asString())
                .as("the actor")
                .isEqualTo("admin-1");
        ConversationEntry entry = db.ledger.conversation(WORKSPACE, "c-1").orElseThrow();
        assertThat(entry.adminAssigneeId()).isEqualTo("admin-bob");
        assertThat(entry.teamAssigneeId()).isEqualTo("team-7");
        assertThat(db.ledger.parts(WORKSPACE, "c-1")).containsOnlyKeys("m2");
        assertThat(migrator.inboxTally().adminAssignments()).isEqualTo(1);
        assertThat(migrator.inboxTally().teamAssignments()).isEqualTo(1);
        assertThat(migrator.requiredCalls().assignmentsSent()).isEqualTo(2);
    }

    @Test
    void anAssignmentWhoseAnswerWasLostIsLookedUpAndNotSentTwice() {
        transport.script(
                PARTS,
                request -> {
                    adminShown.set("admin-bob"); // Intercom did it; the answer is lost
                    return lostAnswer().answer(request);
                });

        Outcome outcome =
                migrator(DeliveryOptions.NONE)
                        .migrate(
                                conversation(
                                        "c-1",
                                        new PlannedDetails(
                                                "bob@example.com", null, Map.of(), null)));

        assertThat(outcome).isEqualTo(new Outcome.Migrated(2));
        assertThat(assignments()).hasSize(1);
        assertThat(transport.received(GET)).hasSize(1);
        assertThat(db.ledger.conversation(WORKSPACE, "c-1").orElseThrow().adminAssigneeId())
                .isEqualTo("admin-bob");
        assertThat(db.ledger.parts(WORKSPACE, "c-1")).containsOnlyKeys("m2");
    }

    @Test
    void anAssignmentLostBeforeItReachedIntercomIsDeferredThenSentOnceAfterTheWindow() {
        transport.script(PARTS, lostAnswer());
        PlannedConversation conversation =
                conversation("c-1", new PlannedDetails("bob@example.com", null, Map.of(), null));

        Outcome migrated = migrator(DeliveryOptions.NONE).migrate(conversation);
        Outcome tooSoon = migrator(DeliveryOptions.NONE, Mode.SETTLE).migrate(conversation);
        clock.advance(WINDOW);
        Outcome settled = migrator(DeliveryOptions.NONE, Mode.SETTLE).migrate(conversation);

        assertThat(migrated).isInstanceOf(Outcome.Deferred.class);
        assertThat(tooSoon).isInstanceOf(Outcome.Deferred.class);
        assertThat(settled).isEqualTo(new Outcome.Migrated(0));
        assertThat(assignments()).hasSize(2);
        assertThat(db.ledger.conversation(WORKSPACE, "c-1").orElseThrow().adminAssigneeId())
                .isEqualTo("admin-bob");
    }

    @Test
    void aCrashBetweenTheRepliesAndTheAssignmentAddsNoSecondAssignmentPart() {
        // The earlier process recorded the intent and sent the assignment, then died.
        PlannedConversation conversation = conversation("c-1", assignedTo("bob@example.com"));
        db.ledger.conversationCreating(WORKSPACE, "c-1", CONTACT_ID, "m1", SENT_AT, 0, 1);
        db.ledger.conversationCreated(WORKSPACE, "c-1", "conv-1", 1);
        db.ledger.partSending(WORKSPACE, "c-1", "m2", SENT_AT + 60, 0);
        db.ledger.partSent(WORKSPACE, "c-1", "m2", 1);
        db.ledger.partSending(
                WORKSPACE, "c-1", ConversationMigrator.ASSIGN_ADMIN_KEY, 0, clock.millis());
        adminShown.set("admin-bob");

        Outcome outcome = migrator(DeliveryOptions.NONE).migrate(conversation);

        assertThat(outcome).isEqualTo(new Outcome.Migrated(0));
        assertThat(assignments())
                .extracting(InboxDetailsTest::describe)
                .containsExactly(PARTS + " assignment team team-7");
        ConversationEntry entry = db.ledger.conversation(WORKSPACE, "c-1").orElseThrow();
        assertThat(entry.adminAssigneeId()).isEqualTo("admin-bob");
        assertThat(entry.teamAssigneeId()).isEqualTo("team-7");
        assertThat(db.ledger.parts(WORKSPACE, "c-1")).containsOnlyKeys("m2");
    }

    @Test
    void aChangedAssigneeIsAssignedOnceMoreAndAnUnchangedOneNever() {
        migrator(DeliveryOptions.NONE).migrate(conversation("c-1", assignedTo("bob@example.com")));
        Outcome same =
                migrator(DeliveryOptions.NONE)
                        .migrate(conversation("c-1", assignedTo("bob@example.com")));
        Outcome changed =
                migrator(DeliveryOptions.NONE)
                        .migrate(conversation("c-1", assignedTo("eve@example.com")));
        Outcome changedAgain =
                migrator(DeliveryOptions.NONE)
                        .migrate(conversation("c-1", assignedTo("eve@example.com")));

        assertThat(same).isEqualTo(new Outcome.AlreadyMigrated());
        assertThat(changed).isEqualTo(new Outcome.Migrated(0));
        assertThat(changedAgain).isEqualTo(new Outcome.AlreadyMigrated());
        assertThat(assignments())
                .extracting(InboxDetailsTest::describe)
                .containsExactly(
                        PARTS + " assignment admin admin-bob",
                        PARTS + " assignment team team-7",
                        PARTS + " assignment admin admin-eve");
    }

    @Test
    void aClosedConversationAssignedAnewIsClosedAgainSinceTheAssignmentReopensIt() {
        migrator(DeliveryOptions.NONE)
                .migrate(closed(conversation("c-1", assignedTo("bob@example.com"))));
        stateShown.set("open"); // what the assignment to Eve does in Intercom

        Outcome changed =
                migrator(DeliveryOptions.NONE)
                        .migrate(closed(conversation("c-1", assignedTo("eve@example.com"))));

        assertThat(changed).isEqualTo(new Outcome.Migrated(0));
        assertThat(transport.received(PARTS))
                .extracting(InboxDetailsTest::describe)
                .containsExactly(
                        PARTS + " assignment admin admin-bob",
                        PARTS + " assignment team team-7",
                        PARTS + " close",
                        PARTS + " assignment admin admin-eve",
                        PARTS + " close");
        assertThat(db.ledger.conversation(WORKSPACE, "c-1").orElseThrow().closed()).isTrue();
    }

    @Test
    void aConversationMigratedBeforeAssignmentsIsLookedAtOnceAndAssignedOnlyWhereItIsNot() {
        db.ledger.conversationCreating(WORKSPACE, "c-1", CONTACT_ID, "m1", SENT_AT, 0, 1);
        db.ledger.conversationCreated(WORKSPACE, "c-1", "conv-1", 1);
        db.ledger.partSending(WORKSPACE, "c-1", "m2", SENT_AT + 60, 0);
        db.ledger.partSent(WORKSPACE, "c-1", "m2", 1);
        db.ledger.conversationComplete(WORKSPACE, "c-1", 1L);
        adminShown.set("admin-bob"); // assigned by hand, or by a ledger since lost

        Outcome outcome =
                migrator(DeliveryOptions.NONE)
                        .migrate(conversation("c-1", null, assignedTo("bob@example.com")));
        Outcome again =
                migrator(DeliveryOptions.NONE)
                        .migrate(conversation("c-1", null, assignedTo("bob@example.com")));

        assertThat(outcome).isEqualTo(new Outcome.Migrated(0));
        assertThat(again).isEqualTo(new Outcome.AlreadyMigrated());
        assertThat(transport.received(GET)).hasSize(1);
        assertThat(assignments())
                .extracting(InboxDetailsTest::describe)
                .containsExactly(PARTS + " assignment team team-7");
    }

    @Test
    void anUnmatchedAssigneeOrTeamIsCountedAndTheConversationStillMigrated() {
        PlannedDetails unmatched =
                new PlannedDetails("nobody@example.com", "Night shift", Map.of(), null);
        transport.script(CREATE, json("{\"conversation_id\":\"conv-1\"}"), secondCreated());
        ConversationMigrator migrator = migrator(DeliveryOptions.NONE);

        Outcome first = migrator.migrate(conversation("c-1", unmatched));
        Outcome second = migrator.migrate(conversation("c-2", unmatched));

        assertThat(first).isEqualTo(new Outcome.Migrated(2));
        assertThat(second).isEqualTo(new Outcome.Migrated(2));
        assertThat(transport.received().stream().map(InboxDetailsTest::describe))
                .as("never the default admin")
                .noneMatch(request -> request.contains("assignment"));
        InboxTally tally = migrator.inboxTally();
        assertThat(tally.unmatchedAssignees()).isEqualTo(Map.of("nobody@example.com", 2L));
        assertThat(tally.unmatchedTeams()).isEqualTo(Map.of("Night shift", 2L));
        assertThat(tally.adminAssignments()).isZero();

        ConversationMigrator rerun = migrator(DeliveryOptions.NONE);
        assertThat(rerun.migrate(conversation("c-1", unmatched)))
                .isEqualTo(new Outcome.AlreadyMigrated());
        assertThat(rerun.inboxTally().unmatchedAssignees())
                .as("a re-run that finds it done has nothing to report")
                .isEmpty();
    }

    @Test
    void anAdoptedConversationAlreadyAssignedThereIsNotAssignedAgain() {
        transport.always(
                "POST /conversations/search",
                json(
                        "{\"conversations\":[{\"id\":\"conv-1\",\"custom_attributes\":"
                                + "{\"migrator_source\":\"c-1\"}}]}"));
        adminShown.set("admin-bob");
        teamShown.set("team-7");

        Outcome outcome =
                migrator(new DeliveryOptions("migrator_source", true, false))
                        .migrate(
                                conversation(
                                        "c-1",
                                        null,
                                        new PlannedDetails(
                                                "bob@example.com", "billing", Map.of(), null)));

        assertThat(outcome).isEqualTo(new Outcome.Migrated(0)); // the source key's update
        assertThat(assignments()).isEmpty();
        ConversationEntry entry = db.ledger.conversation(WORKSPACE, "c-1").orElseThrow();
        assertThat(entry.adminAssigneeId()).isEqualTo("admin-bob");
        assertThat(entry.teamAssigneeId()).isEqualTo("team-7");
    }

    private ConversationMigrator migrator(DeliveryOptions options) {
        return migrator(options, Mode.MIGRATE);
    }

    private ConversationMigrator migrator(DeliveryOptions options, Mode mode) {
        return new ConversationMigrator(
                new IntercomApi(transport, ScriptedTransport.JSON),
                db.ledger,
                directory,
                WORKSPACE,
                1,
                WINDOW,
                clock,
                mode,
                options,
                AttachmentCarrier.links(),
                millis -> clock.advance(Duration.ofMillis(millis)));
    }

    private static ScriptedTransport.Answer secondCreated() {
        return json("{\"conversation_id\":\"conv-2\"}");
    }

    private List<Received> assignments() {
        return transport.received(PARTS).stream()
                .filter(
                        r ->
                                r.request()
                                        .body()
                                        .path("message_type")
                                        .asString()
                                        .equals("assignment"))
                .toList();
    }

    /** The route, and for a part its kind and whom it assigns. */
    private static String describe(Received received) {
        String route = received.request().method() + " " + received.request().path();
        JsonNode body = received.request().body();
        if (!route.endsWith("/parts")) {
            return route;
        }
        String kind = body.path("message_type").asString();
        return kind.equals("assignment")
                ? route
                        + " assignment "
                        + body.path("type").asString()
                        + " "
                        + body.path("assignee_id").asString()
                : route + " " + kind;
    }

    private String shown() {
        return """
        {"type":"conversation","id":"conv-1","created_at":%d,"state":"%s",
         "admin_assignee_id":%s,"team_assignee_id":%s,
         "source":{"body":"<p>Hello</p>","author":{"type":"user","id":"%s"}},
         "conversation_parts":{"conversation_parts":[
           {"part_type":"comment","created_at":%d,"body":"<p>On it</p>",
            "author":{"type":"admin","id":"admin-bob"}}]}}\
        """
                .formatted(
                        SENT_AT,
                        stateShown.get(),
                        adminShown.get() == null ? "0" : "\"" + adminShown.get() + "\"",
                        teamShown.get() == null ? "null" : "\"" + teamShown.get() + "\"",
                        CONTACT_ID,
                        SENT_AT + 60);
    }

    private static PlannedDetails assignedTo(String email) {
        return new PlannedDetails(email, "billing", Map.of(), null);
    }

    private static PlannedCompany company() {
        return new PlannedCompany("org-7", "Acme");
    }

    private static Map<String, String> attributes(String... namesAndValues) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            attributes.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return attributes;
    }

    private static PlannedConversation conversation(String sourceId, PlannedDetails details) {
        return conversation(sourceId, "Cancel my order", details);
    }

    private static PlannedConversation conversation(
            String sourceId, String subject, PlannedDetails details) {
        return new PlannedConversation(
                sourceId,
                new PlannedContact(EMAIL, null, "Ann", ContactRole.USER),
                subject,
                List.of(
                        new PlannedPart(
                                "m1",
                                Author.CONTACT,
                                null,
                                null,
                                false,
                                "Hello",
                                SENT_AT,
                                List.of()),
                        new PlannedPart(
                                "m2",
                                Author.AGENT,
                                "bob@example.com",
                                "Bob",
                                false,
                                "On it",
                                SENT_AT + 60,
                                List.of())),
                false,
                List.of(),
                List.of(),
                details);
    }

    private static PlannedConversation closed(PlannedConversation open) {
        return new PlannedConversation(
                open.sourceId(),
                open.contact(),
                open.subject(),
                open.parts(),
                true,
                open.tags(),
                open.warnings(),
                open.details());
    }
}
