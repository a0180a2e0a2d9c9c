package dev.migrator.testserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrator.testserver.FakeIntercom.Conversation;
import dev.migrator.testserver.FakeIntercom.Fault;
import dev.migrator.testserver.FakeIntercom.ManualClock;
import dev.migrator.testserver.FakeIntercom.Part;
import dev.migrator.testserver.FakeIntercom.ReceivedRequest;
import dev.migrator.testserver.FakeIntercom.State;
import dev.migrator.testserver.FakeIntercom.Write;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class FakeIntercomTest {

    /** Seven seconds into a 10-second rate-limit window. */
    private static final Instant T0 = Instant.parse("2024-05-01T12:00:07Z");

    private static final long HISTORIC = 1_600_000_000L;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
    private final ManualClock clock = new ManualClock(T0);
    private FakeIntercom fake;

    @BeforeEach
    void startFake() {
        fake = FakeIntercom.builder().clock(clock).start();
    }

    @AfterEach
    void stopFake() {
        fake.close();
        assertThat(fake.internalErrors()).isEmpty();
    }

    // ------------------------------------------------------------------ protocol

    @Test
    void rejectsMissingOrWrongToken() throws Exception {
        Reply wrong = send(request("GET", "/me", null).setHeader("Authorization", "Bearer nope"));
        Reply missing =
                send(HttpRequest.newBuilder(uri("/me")).header("Accept", "application/json"));

        for (Reply reply : List.of(wrong, missing)) {
            assertThat(reply.status()).isEqualTo(401);
            assertThat(reply.json().path("type").asString()).isEqualTo("error.list");
            assertThat(reply.json().path("request_id").asString()).isNotBlank();
            assertThat(reply.errorCode()).isEqualTo("unauthorized");
            assertThat(reply.errorMessage()).isEqualTo("Access Token Invalid");
        }
    }

    @Test
    void requiresJsonAcceptHeader() throws Exception {
        Reply noAccept =
                send(
                        HttpRequest.newBuilder(uri("/me"))
                                .header("Authorization", "Bearer " + FakeIntercom.TOKEN));
        Reply xml = send(request("GET", "/me", null).setHeader("Accept", "application/xml"));
        Reply wildcard =
                send(request("GET", "/me", null).setHeader("Accept", "text/html, */*;q=0.1"));

        assertThat(noAccept.status()).isEqualTo(406);
        assertThat(xml.status()).isEqualTo(406);
        assertThat(wildcard.status()).isEqualTo(200);
    }

    @Test
    void rejectsUnknownIntercomVersion() throws Exception {
        Reply unknown = send(request("GET", "/me", null).setHeader("Intercom-Version", "2.17"));
        Reply unstable =
                send(request("GET", "/me", null).setHeader("Intercom-Version", "Unstable"));

        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.errorCode()).isEqualTo("intercom_version_invalid");
        assertThat(unstable.status()).isEqualTo(200);
    }

    @Test
    void meAndAdminsDescribeTheWorkspace() throws Exception {
        String agent = fake.addAdmin("agent@fake.example", "Agent Smith");

        JsonNode me = get("/me").json();
        JsonNode admins = get("/admins").json();

        assertThat(me.path("type").asString()).isEqualTo("admin");
        assertThat(me.path("id").asString()).isEqualTo(fake.meAdminId());
        assertThat(me.path("email").asString()).isEqualTo("me@fake.example");
        assertThat(me.path("app").path("id_code").asString()).isEqualTo("fakeapp1");
        assertThat(admins.path("type").asString()).isEqualTo("admin.list");
        assertThat(each(admins.path("admins"), "id")).containsExactly(fake.meAdminId(), agent);
        assertThat(each(admins.path("admins"), "email")).contains("agent@fake.example");
    }

    @Test
    void unknownRoutesAnswer404() throws Exception {
        Reply reply = get("/nope");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.errorCode()).isEqualTo("not_found");
        assertThat(fake.requests("GET /nope")).isEqualTo(1);
    }

    // ------------------------------------------------------------------ version gating

    @Test
    void createdAtIsHonouredOnlyFromVersion2_11() throws Exception {
        String contact = fake.addContact("user", "ann@example.com", null, "Ann");
        Map<String, Object> body = conversationBody(contact, "Hello", HISTORIC);

        String old = post("/conversations", body, "2.10").json().path("conversation_id").asString();
        String defaulted =
                post("/conversations", body, "2.9").json().path("conversation_id").asString();
        String current =
                post("/conversations", body, "2.11").json().path("conversation_id").asString();
        post(
                "/conversations/" + current + "/reply",
                Map.of(
                        "message_type",
                        "comment",
                        "type",
                        "user",
                        "intercom_user_id",
                        contact,
                        "body",
                        "Later",
                        "created_at",
                        HISTORIC + 60),
                "2.11");
        post(
                "/conversations/" + old + "/reply",
                Map.of(
                        "message_type",
                        "comment",
                        "type",
                        "user",
                        "intercom_user_id",
                        contact,
                        "body",
                        "Later",
                        "created_at",
                        HISTORIC + 60),
                "2.10");

        assertThat(conversation(old).createdAt()).isEqualTo(T0);
        assertThat(conversation(defaulted).createdAt()).isEqualTo(T0);
        assertThat(conversation(current).createdAt()).isEqualTo(Instant.ofEpochSecond(HISTORIC));
        assertThat(conversation(current).parts().get(0).createdAt())
                .isEqualTo(Instant.ofEpochSecond(HISTORIC + 60));
        assertThat(conversation(old).parts().get(0).createdAt()).isEqualTo(T0);
    }

    @Test
    void missingVersionHeaderMeansWorkspaceDefault2_9() throws Exception {
        String contact = fake.addContact("user", "ann@example.com", null, "Ann");
        HttpRequest.Builder noVersion =
                HttpRequest.newBuilder(uri("/conversations"))
                        .header("Authorization", "Bearer " + FakeIntercom.TOKEN)
                        .header("Accept", "application/json")
                        .header("Content-Type", "application/json")
                        .POST(
                                HttpRequest.BodyPublishers.ofString(
                                        json(conversationBody(contact, "Hi", HISTORIC))));

        Reply reply = send(noVersion);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("created_at").asLong()).isEqualTo(T0.getEpochSecond());
    }

    @Test
    void skipNotificationsIsHonouredOnlyFromVersion2_15() throws Exception {
        String id = startConversation();

        adminReply(id, "comment", true, "2.14");
        adminReply(id, "comment", true, "2.15");
        adminReply(id, "comment", null, "2.15");
        adminReply(id, "note", null, "2.15");

        List<Part> parts = conversation(id).parts();
        assertThat(fake.notifications()).isEqualTo(2);
        assertThat(parts)
                .extracting(Part::skipNotifications)
                .containsExactly(true, true, null, null);
        assertThat(parts)
                .extracting(Part::notifiedCustomer)
                .containsExactly(true, false, true, false);
    }

    // ------------------------------------------------------------------ contacts and search

    @Test
    void creatingAnExistingContactConflicts() throws Exception {
        String id =
                post(
                                "/contacts",
                                Map.of(
                                        "role",
                                        "user",
                                        "email",
                                        "bob@example.com",
                                        "external_id",
                                        "b-1"))
                        .json()
                        .path("id")
                        .asString();

        Reply sameEmail = post("/contacts", Map.of("role", "user", "email", "BOB@example.com"));
        Reply sameExternalId = post("/contacts", Map.of("role", "lead", "external_id", "b-1"));
        Reply noIdentity = post("/contacts", Map.of("role", "user", "name", "Nobody"));

        assertThat(id).matches("[0-9a-f]{24}");
        for (Reply conflict : List.of(sameEmail, sameExternalId)) {
            assertThat(conflict.status()).isEqualTo(409);
            assertThat(conflict.errorCode()).isEqualTo("conflict");
            assertThat(conflict.errorMessage())
                    .isEqualTo("A contact matching those details already exists with id=" + id);
        }
        assertThat(noIdentity.status()).isEqualTo(400);
        assertThat(fake.contacts()).hasSize(1);
    }

    @Test
    void searchDoesNotSeeRecordsYoungerThanTheSearchLag() throws Exception {
        fake.searchLag(Duration.ofSeconds(30));
        String contact =
                post("/contacts", Map.of("role", "user", "email", "cy@example.com"))
                        .json()
                        .path("id")
                        .asString();
        String conversation =
                post("/conversations", conversationBody(contact, "Hi", null))
                        .json()
                        .path("conversation_id")
                        .asString();
        Map<String, Object> byEmail = Map.of("query", filter("email", "=", "cy@example.com"));
        Map<String, Object> byContact = Map.of("query", filter("contact_ids", "=", contact));

        JsonNode contactsBefore = post("/contacts/search", byEmail).json();
        JsonNode conversationsBefore = post("/conversations/search", byContact).json();
        Reply recreate = post("/contacts", Map.of("role", "user", "email", "cy@example.com"));
        clock.advance(Duration.ofSeconds(30));
        JsonNode contactsAfter = post("/contacts/search", byEmail).json();
        JsonNode conversationsAfter = post("/conversations/search", byContact).json();

        assertThat(contactsBefore.path("total_count").asInt()).isZero();
        assertThat(conversationsBefore.path("total_count").asInt()).isZero();
        assertThat(recreate.status()).as("creation sees what search does not").isEqualTo(409);
        assertThat(contactsAfter.path("data").get(0).path("id").asString()).isEqualTo(contact);
        assertThat(contactsAfter.path("pages").path("per_page").asInt()).isEqualTo(50);
        assertThat(conversationsAfter.path("conversations").get(0).path("id").asString())
                .isEqualTo(conversation);
    }

    @Test
    void conversationSearchSupportsGroupsOperatorsAndPagination() throws Exception {
        String ann = fake.addContact("user", "ann@example.com", null, "Ann");
        String bob = fake.addContact("lead", "bob@example.com", null, "Bob");
        String first = createConversation(ann, "legacy ticket 1 marker-a", HISTORIC);
        String second = createConversation(ann, "legacy ticket 2 marker-b", HISTORIC + 100);
        String third = createConversation(bob, "legacy ticket 3 marker-a", HISTORIC + 200);

        Map<String, Object> annSince =
                Map.of(
                        "query",
                        Map.of(
                                "operator",
                                "AND",
                                "value",
                                List.of(
                                        filter("contact_ids", "=", ann),
                                        filter("created_at", ">", HISTORIC + 100))));
        Map<String, Object> markerA =
                Map.of(
                        "query",
                        Map.of(
                                "operator",
                                "OR",
                                "value",
                                List.of(
                                        filter("source.body", "=", "marker-a"),
                                        filter("id", "=", "nope"))));
        Map<String, Object> wholeBodyEquals =
                Map.of("query", filter("source.body", "=", "legacy ticket 1 marker-a"));
        Map<String, Object> contains = Map.of("query", filter("source.body", "~", "ticket 2"));

        assertThat(conversationIds(annSince)).containsExactly(second);
        assertThat(conversationIds(markerA)).containsExactly(first, third);
        assertThat(conversationIds(wholeBodyEquals))
                .as("= on source.body matches single words")
                .isEmpty();
        assertThat(conversationIds(contains)).containsExactly(second);

        Map<String, Object> all =
                new LinkedHashMap<>(Map.of("query", filter("created_at", ">", 0)));
        all.put("pagination", Map.of("per_page", 2));
        JsonNode page1 = post("/conversations/search", all).json();
        all.put(
                "pagination",
                Map.of(
                        "per_page",
                        2,
                        "starting_after",
                        page1.path("pages").path("next").path("starting_after").asString()));
        JsonNode page2 = post("/conversations/search", all).json();

        assertThat(page1.path("total_count").asInt()).isEqualTo(3);
        assertThat(page1.path("pages").path("total_pages").asInt()).isEqualTo(2);
        assertThat(each(page1.path("conversations"), "type")).contains("conversation");
        assertThat(page2.path("conversations").get(0).path("id").asString()).isEqualTo(third);
        assertThat(page2.path("pages").has("next")).isFalse();
    }

    // ------------------------------------------------------------------ conversations

    @Test
    void conversationAttributesAreListedSetByPutAndSearchable() throws Exception {
        fake.addConversationAttribute("source_key", "string");
        fake.addConversationAttribute("priority_level", "integer");
        String id = startConversation();

        JsonNode attributes = get("/conversations/attributes").json();
        Reply set =
                send(
                        request(
                                "PUT",
                                "/conversations/" + id,
                                Map.of("custom_attributes", Map.of("source_key", "zendesk:1"))));
        Reply unknown =
                send(
                        request(
                                "PUT",
                                "/conversations/" + id,
                                Map.of("custom_attributes", Map.of("no_such", "x"))));
        Reply mistyped =
                send(
                        request(
                                "PUT",
                                "/conversations/" + id,
                                Map.of("custom_attributes", Map.of("priority_level", "high"))));

        assertThat(each(attributes.path("data"), "name"))
                .containsExactly("source_key", "priority_level");
        assertThat(each(attributes.path("data"), "data_type")).containsExactly("string", "integer");
        assertThat(set.status()).isEqualTo(200);
        assertThat(set.json().path("custom_attributes").path("source_key").asString())
                .isEqualTo("zendesk:1");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.errorMessage()).contains("no_such");
        assertThat(mistyped.status()).isEqualTo(400);
        assertThat(fake.customAttributes(id)).containsExactly(Map.entry("source_key", "zendesk:1"));
        assertThat(
                        conversationIds(
                                Map.of(
                                        "query",
                                        filter("custom_attributes.source_key", "=", "zendesk:1"))))
                .containsExactly(id);
        assertThat(
                        conversationIds(
                                Map.of(
                                        "query",
                                        filter("custom_attributes.source_key", "=", "zendesk:2"))))
                .isEmpty();
    }

    // ------------------------------------------------------------------ what agents see in the
    // inbox

    @Test
    void teamsAreListed() throws Exception {
        String billing = fake.addTeam("Billing");
        String support = fake.addTeam("Tier 2 Support");

        JsonNode teams = get("/teams").json();

        assertThat(teams.path("type").asString()).isEqualTo("team.list");
        assertThat(each(teams.path("teams"), "type")).containsOnly("team");
        assertThat(each(teams.path("teams"), "id")).containsExactly(billing, support);
        assertThat(each(teams.path("teams"), "name")).containsExactly("Billing", "Tier 2 Support");
        assertThat(teams.path("teams").get(0).path("admin_ids").isArray()).isTrue();
        assertThat(fake.teams())
                .extracting(FakeIntercom.Team::name)
                .containsExactly("Billing", "Tier 2 Support");
    }

    @Test
    void listAttributesShowTheirOptionsArchivedOnesMarked() throws Exception {
        fake.addListAttribute("Tier", "Gold", "Silver", "Bronze");
        fake.archiveListOption("Tier", "Silver");

        JsonNode tier = get("/conversations/attributes").json().path("data").get(0);

        assertThat(tier.path("data_type").asString()).isEqualTo("list");
        assertThat(each(tier.path("options"), "label")).containsExactly("Gold", "Silver", "Bronze");
        assertThat(each(tier.path("options"), "archived"))
                .containsExactly("false", "true", "false");
        assertThat(each(tier.path("options"), "id"))
                .doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id).isNotBlank());
    }

    @Test
    void titleIsSetByPutAndShownByGetAndSearch() throws Exception {
        String id = startConversation();

        Reply set = put("/conversations/" + id, Map.of("title", "Printer on fire"));
        Reply mistyped = put("/conversations/" + id, Map.of("title", 42));

        assertThat(set.status()).isEqualTo(200);
        assertThat(set.json().path("title").asString()).isEqualTo("Printer on fire");
        assertThat(get("/conversations/" + id).json().path("title").asString())
                .isEqualTo("Printer on fire");
        assertThat(
                        post("/conversations/search", Map.of("query", filter("id", "=", id)))
                                .json()
                                .path("conversations")
                                .get(0)
                                .path("title")
                                .asString())
                .isEqualTo("Printer on fire");
        assertThat(mistyped.status()).isEqualTo(400);
        assertThat(mistyped.errorCode()).isEqualTo("parameter_invalid");
        assertThat(fake.title(id)).contains("Printer on fire");
        assertThat(fake.title(startConversation())).isEmpty();
    }

    /** Each data type takes the first value and refuses the second, which then changes nothing. */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "string   | \"Billing\"                | 3",
                "integer  | 3                          | 3.5",
                "integer  | 3                          | \"3\"",
                "decimal  | 3.5                        | \"3.5\"",
                "decimal  | 3                          | true",
                "boolean  | true                       | \"true\"",
                "datetime | 1700000000                 | \"yesterday\"",
                "datetime | \"2024-05-01T12:00:00Z\"   | true",
                "datetime | \"2024-05-01\"             | 1.5",
                "list     | \"Gold\"                   | \"Platinum\"",
                "list     | \"Gold\"                   | \"Silver\"",
                "list     | \"Gold\"                   | 1",
            })
    void customAttributeValuesMustFitTheAttributesType(String type, String good, String bad)
            throws Exception {
        if (type.equals("list")) {
            fake.addListAttribute("field", "Gold", "Silver");
            fake.archiveListOption("field", "Silver");
        } else {
            fake.addConversationAttribute("field", type);
        }
        String id = startConversation();

        Reply accepted = put("/conversations/" + id, attributes("field", good));
        Reply refused = put("/conversations/" + id, attributes("field", bad));

        assertThat(accepted.status()).isEqualTo(200);
        assertThat(accepted.json().path("custom_attributes").path("field"))
                .isEqualTo(JSON.readTree(good));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().path("type").asString()).isEqualTo("error.list");
        assertThat(refused.errorCode()).isEqualTo("parameter_invalid");
        assertThat(refused.errorMessage()).contains("'field'");
        assertThat(get("/conversations/" + id).json().path("custom_attributes").path("field"))
                .isEqualTo(JSON.readTree(good));
    }

    @Test
    void customAttributesAreHandedOutAsJavaValues() throws Exception {
        fake.addConversationAttribute("count", "integer");
        fake.addConversationAttribute("amount", "decimal");
        fake.addConversationAttribute("vip", "boolean");
        fake.addListAttribute("tier", "Gold");
        String id = startConversation();

        put(
                "/conversations/" + id,
                Map.of(
                        "custom_attributes",
                        Map.of("count", 3, "amount", 2.5, "vip", true, "tier", "Gold")));

        assertThat(fake.customAttributes(id))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("count", 3L, "amount", 2.5, "vip", true, "tier", "Gold"));
    }

    @Test
    void aRefusedUpdateSetsNeitherTheTitleNorAnyAttribute() throws Exception {
        fake.addConversationAttribute("source_key", "string");
        fake.addConversationAttribute("count", "integer");
        String id = startConversation();
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("source_key", "zendesk:1");
        attributes.put("count", "many");

        Reply mistyped =
                put(
                        "/conversations/" + id,
                        Map.of("title", "Hello", "custom_attributes", attributes));
        Reply unknown =
                put(
                        "/conversations/" + id,
                        Map.of(
                                "title",
                                "Hello",
                                "custom_attributes",
                                Map.of("source_key", "zendesk:1", "no_such", "x")));

        assertThat(mistyped.status()).isEqualTo(400);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.errorMessage()).contains("no_such");
        assertThat(fake.title(id)).isEmpty();
        assertThat(fake.customAttributes(id)).isEmpty();
        assertThat(get("/conversations/" + id).json().path("title").isNull()).isTrue();
    }

    @Test
    void assignmentSetsTheAssigneesAddsAPartAndNotifiesNobody() throws Exception {
        String agent = fake.addAdmin("agent@fake.example", "Agent");
        String team = fake.addTeam("Billing");
        String id = startConversation();

        Reply toAgent = assign(id, "admin", agent);
        Reply toTeam = assign(id, "team", team);

        assertThat(toAgent.status()).isEqualTo(200);
        assertThat(toTeam.status()).isEqualTo(200);
        JsonNode model = get("/conversations/" + id).json();
        assertThat(model.path("admin_assignee_id").asLong()).isEqualTo(Long.parseLong(agent));
        assertThat(model.path("team_assignee_id").asLong()).isEqualTo(Long.parseLong(team));
        assertThat(model.path("state").asString()).isEqualTo("open");
        JsonNode parts = model.path("conversation_parts").path("conversation_parts");
        assertThat(each(parts, "part_type")).containsExactly("assignment", "assignment");
        assertThat(parts.get(0).path("assigned_to").path("type").asString()).isEqualTo("admin");
        assertThat(parts.get(0).path("assigned_to").path("id").asString()).isEqualTo(agent);
        assertThat(parts.get(1).path("assigned_to").path("type").asString()).isEqualTo("team");
        assertThat(parts.get(0).path("author").path("id").asString()).isEqualTo(fake.meAdminId());
        assertThat(fake.adminAssignee(id)).contains(agent);
        assertThat(fake.teamAssignee(id)).contains(team);
        assertThat(conversation(id).parts())
                .filteredOn(p -> p.partType().equals("assignment"))
                .extracting(Part::assignedTo)
                .containsExactly(
                        new FakeIntercom.Assignee("admin", agent),
                        new FakeIntercom.Assignee("team", team));
        assertThat(fake.notifications()).isZero();
        assertThat(
                        conversationIds(
                                Map.of(
                                        "query",
                                        filter("team_assignee_id", "=", Long.parseLong(team)))))
                .containsExactly(id);
    }

    @Test
    void assigningAClosedConversationReopensIt() throws Exception {
        String agent = fake.addAdmin("agent@fake.example", "Agent");
        String id = startConversation();
        close(id);

        Reply assigned = assign(id, "admin", agent);

        assertThat(assigned.status()).isEqualTo(200);
        assertThat(assigned.json().path("state").asString()).isEqualTo("open");
        assertThat(
                        each(
                                assigned.json()
                                        .path("conversation_parts")
                                        .path("conversation_parts"),
                                "part_type"))
                .containsExactly("close", "assign_and_reopen");
    }

    @Test
    void assigningToZeroUnassigns() throws Exception {
        String team = fake.addTeam("Billing");
        String id = startConversation();
        assign(id, "team", team);

        Reply unassigned = assign(id, "team", "0");

        assertThat(unassigned.status()).isEqualTo(200);
        assertThat(unassigned.json().path("team_assignee_id").asLong()).isZero();
        assertThat(unassigned.json().path("admin_assignee_id").asLong()).isZero();
        assertThat(fake.teamAssignee(id)).isEmpty();
    }

    @Test
    void anAssignmentWithABodyIsAlsoAMessageToTheCustomer() throws Exception {
        String id = startConversation();
        Map<String, Object> withBody = new LinkedHashMap<>(assignment("admin", fake.meAdminId()));
        withBody.put("body", "Passing you to a colleague");

        assertThat(post("/conversations/" + id + "/parts", withBody).status()).isEqualTo(200);

        assertThat(fake.notifications()).isEqualTo(1);
        assertThat(conversation(id).parts())
                .extracting(Part::body)
                .containsExactly("Passing you to a colleague");
    }

    @Test
    void refusedAssignmentsChangeNothing() throws Exception {
        String team = fake.addTeam("Billing");
        String id = startConversation();
        Map<String, Object> byStranger = new LinkedHashMap<>(assignment("team", team));
        byStranger.put("admin_id", "12345");
        Map<String, Object> noAssignee = new LinkedHashMap<>(assignment("team", team));
        noAssignee.remove("assignee_id");

        Reply unknownAdmin = assign(id, "admin", "12345");
        Reply unknownTeam = assign(id, "team", "999");
        Reply adminAsTeam = assign(id, "team", fake.meAdminId());
        Reply wrongType = assign(id, "contact", team);
        Reply stranger = post("/conversations/" + id + "/parts", byStranger);
        Reply missing = post("/conversations/" + id + "/parts", noAssignee);
        Reply noConversation = assign("424242", "team", team);

        assertThat(unknownAdmin.status()).isEqualTo(404);
        assertThat(unknownAdmin.errorCode()).isEqualTo("admin_not_found");
        assertThat(unknownTeam.status()).isEqualTo(404);
        assertThat(unknownTeam.errorCode()).isEqualTo("team_not_found");
        assertThat(adminAsTeam.status()).isEqualTo(404);
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.errorCode()).isEqualTo("parameter_invalid");
        assertThat(stranger.status()).isEqualTo(404);
        assertThat(stranger.errorCode()).isEqualTo("admin_not_found");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.errorCode()).isEqualTo("parameter_not_found");
        assertThat(noConversation.status()).isEqualTo(404);
        assertThat(noConversation.errorMessage()).isEqualTo("Resource Not Found");
        assertThat(conversation(id).parts()).isEmpty();
        assertThat(fake.adminAssignee(id)).isEmpty();
        assertThat(fake.teamAssignee(id)).isEmpty();
    }

    @Test
    void companiesAreCreatedOrUpdatedByTheirCompanyId() throws Exception {
        Reply created = post("/companies", Map.of("company_id", "org-7", "name", "Acme"));
        Reply renamed = post("/companies", Map.of("company_id", "org-7", "name", "Acme Ltd"));
        Reply other = post("/companies", Map.of("company_id", "org-8", "name", "Globex"));

        assertThat(created.status()).isEqualTo(200);
        assertThat(created.json().path("type").asString()).isEqualTo("company");
        assertThat(created.json().path("company_id").asString()).isEqualTo("org-7");
        assertThat(created.json().path("name").asString()).isEqualTo("Acme");
        assertThat(renamed.json().path("id").asString())
                .isEqualTo(created.json().path("id").asString());
        assertThat(other.json().path("id").asString())
                .isNotEqualTo(created.json().path("id").asString());
        assertThat(fake.companies())
                .containsExactly(
                        new FakeIntercom.Company(
                                created.json().path("id").asString(), "org-7", "Acme Ltd"),
                        new FakeIntercom.Company(
                                other.json().path("id").asString(), "org-8", "Globex"));
    }

    @Test
    void refusedCompaniesAreNotCreated() throws Exception {
        Reply badParameter = post("/companies", Map.of("company_id", "org-7", "test", "invalid"));
        Reply noCompanyId = post("/companies", Map.of("name", "Acme"));

        assertThat(badParameter.status()).isEqualTo(400);
        assertThat(badParameter.errorCode()).isEqualTo("bad_request");
        assertThat(badParameter.errorMessage()).isEqualTo("bad 'test' parameter");
        assertThat(noCompanyId.status()).isEqualTo(400);
        assertThat(noCompanyId.errorCode()).isEqualTo("parameter_not_found");
        assertThat(fake.companies()).isEmpty();
    }

    @Test
    void contactsAreAttachedToCompaniesOnce() throws Exception {
        String contact = fake.addContact("user", "ann@example.com", null, "Ann");
        String acme =
                post("/companies", Map.of("company_id", "org-7", "name", "Acme"))
                        .json()
                        .path("id")
                        .asString();

        Reply attached = post("/contacts/" + contact + "/companies", Map.of("id", acme));
        Reply again = post("/contacts/" + contact + "/companies", Map.of("id", acme));
        JsonNode listed = get("/contacts/" + contact + "/companies").json();

        assertThat(attached.status()).isEqualTo(200);
        assertThat(attached.json().path("id").asString()).isEqualTo(acme);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("user_count").asInt()).isEqualTo(1);
        assertThat(listed.path("type").asString()).isEqualTo("list");
        assertThat(each(listed.path("data"), "company_id")).containsExactly("org-7");
        assertThat(listed.path("total_count").asInt()).isEqualTo(1);
        assertThat(fake.companiesOf(contact))
                .extracting(FakeIntercom.Company::companyId)
                .containsExactly("org-7");
    }

    @Test
    void aCompanyIsFoundByItsCompanyIdAsAListOfOneOrNotFound() throws Exception {
        String acme =
                post("/companies", Map.of("company_id", "org 7/ü", "name", "Acme"))
                        .json()
                        .path("id")
                        .asString();

        Reply found = get("/companies?company_id=org+7%2F%C3%BC");
        Reply missing = get("/companies?company_id=org-8");

        assertThat(found.status()).isEqualTo(200);
        assertThat(found.json().path("type").asString()).isEqualTo("list");
        assertThat(each(found.json().path("data"), "id")).containsExactly(acme);
        assertThat(found.json().path("total_count").asInt()).isEqualTo(1);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.errorCode()).isEqualTo("company_not_found");
    }

    @Test
    void deletesAnswerAsTheReferenceSaysOnceAndThen404() throws Exception {
        String ann = fake.addContact("user", "ann@example.com", "ext-1", "Ann");
        String conversation = createConversation(ann, "Hello", null);
        String acme =
                post("/companies", Map.of("company_id", "org-7")).json().path("id").asString();
        post("/contacts/" + ann + "/companies", Map.of("id", acme));
        JsonNode attached = get("/companies/" + acme + "/contacts").json();

        Reply conversationDeleted =
                send(
                        request(
                                "DELETE",
                                "/conversations/" + conversation + "?retain_metrics=false",
                                null));
        Reply conversationAgain = send(request("DELETE", "/conversations/" + conversation, null));
        Reply contactDeleted = send(request("DELETE", "/contacts/" + ann, null));
        Reply contactAgain = send(request("DELETE", "/contacts/" + ann, null));
        JsonNode detached = get("/companies/" + acme + "/contacts").json();
        Reply companyDeleted = send(request("DELETE", "/companies/" + acme, null));
        Reply companyAgain = send(request("DELETE", "/companies/" + acme, null));

        assertThat(each(attached.path("data"), "id")).containsExactly(ann);
        assertThat(conversationDeleted.status()).isEqualTo(200);
        assertThat(conversationDeleted.json().path("id").asString()).isEqualTo(conversation);
        assertThat(conversationDeleted.json().path("object").asString()).isEqualTo("conversation");
        assertThat(conversationDeleted.json().path("deleted").asBoolean()).isTrue();
        assertThat(contactDeleted.json().path("type").asString()).isEqualTo("contact");
        assertThat(contactDeleted.json().path("id").asString()).isEqualTo(ann);
        assertThat(contactDeleted.json().path("external_id").asString()).isEqualTo("ext-1");
        assertThat(contactDeleted.json().path("deleted").asBoolean()).isTrue();
        assertThat(detached.path("data").isEmpty()).isTrue();
        assertThat(companyDeleted.json().path("object").asString()).isEqualTo("company");
        assertThat(companyDeleted.json().path("deleted").asBoolean()).isTrue();
        assertThat(List.of(conversationAgain, contactAgain, companyAgain))
                .extracting(Reply::status)
                .containsOnly(404);
        assertThat(companyAgain.errorCode()).isEqualTo("company_not_found");
        assertThat(fake.conversations()).isEmpty();
        assertThat(fake.contacts()).isEmpty();
        assertThat(fake.companies()).isEmpty();
        assertThat(fake.deletions())
                .containsExactly(
                        new FakeIntercom.Deletion("conversation", conversation, false),
                        new FakeIntercom.Deletion("contact", ann, null),
                        new FakeIntercom.Deletion("company", acme, null));
    }

    @Test
    void attachingNeedsAKnownContactAndCompany() throws Exception {
        String contact = fake.addContact("user", "ann@example.com", null, "Ann");
        String acme =
                post("/companies", Map.of("company_id", "org-7")).json().path("id").asString();

        Reply unknownCompany = post("/contacts/" + contact + "/companies", Map.of("id", "123"));
        Reply unknownContact = post("/contacts/nobody/companies", Map.of("id", acme));
        Reply noCompany = post("/contacts/" + contact + "/companies", Map.of());
        Reply listUnknown = get("/contacts/nobody/companies");

        assertThat(unknownCompany.status()).isEqualTo(404);
        assertThat(unknownCompany.errorCode()).isEqualTo("company_not_found");
        assertThat(unknownCompany.errorMessage()).isEqualTo("Company Not Found");
        assertThat(unknownContact.status()).isEqualTo(404);
        assertThat(unknownContact.errorCode()).isEqualTo("not_found");
        assertThat(unknownContact.errorMessage()).isEqualTo("User Not Found");
        assertThat(noCompany.status()).isEqualTo(400);
        assertThat(noCompany.errorMessage()).isEqualTo("company not specified");
        assertThat(listUnknown.status()).isEqualTo(404);
        assertThat(fake.companiesOf(contact)).isEmpty();
    }

    @Test
    void newRoutesAreRateLimitedAndTheirAnswersCanBeLost() throws Exception {
        fake.rateLimitPerWindow(1);
        Reply teams = get("/teams");
        Reply throttled = post("/companies", Map.of("company_id", "org-7"));
        clock.advance(Duration.ofSeconds(3));
        fake.rateLimitPerWindow(100).lostResponseRate(1.0);

        assertThatThrownBy(() -> post("/companies", Map.of("company_id", "org-7")))
                .isInstanceOf(IOException.class);

        assertThat(teams.status()).isEqualTo(200);
        assertThat(teams.header("X-RateLimit-Remaining")).isEqualTo("0");
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(fake.companies())
                .extracting(FakeIntercom.Company::companyId)
                .containsExactly("org-7");
        assertThat(fake.requests("POST /companies")).isEqualTo(2);
        assertThat(fake.faultsInjected(Fault.LOST_RESPONSE)).isEqualTo(1);
    }

    // ------------------------------------------------------------------ holding a request

    @Test
    void holdFirstHoldsTheFirstAssignmentUnprocessedUntilReleasedThenDropsIt() throws Exception {
        String team = fake.addTeam("Billing");
        String id = startConversation();
        CompletableFuture<Void> held = fake.holdFirst(Write.ASSIGNMENT);

        Reply closed = close(id);
        CompletableFuture<HttpResponse<String>> assignment =
                http.sendAsync(
                        request("POST", "/conversations/" + id + "/parts", assignment("team", team))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        held.get(10, TimeUnit.SECONDS);

        assertThat(closed.status()).isEqualTo(200);
        assertThat(assignment).isNotDone();
        assertThat(get("/me").status()).as("others are served meanwhile").isEqualTo(200);
        assertThat(fake.teamAssignee(id)).isEmpty();
        assertThat(fake.requests("POST /conversations/{id}/parts")).isEqualTo(2);
        assertThat(fake.receivedRequests())
                .filteredOn(r -> r.fault() == Fault.HELD)
                .extracting(r -> JSON.readTree(r.body()).path("message_type").asString())
                .containsExactly("assignment");

        fake.releaseHeld();

        assertThatThrownBy(assignment::join).hasCauseInstanceOf(IOException.class);
        assertThat(fake.teamAssignee(id)).isEmpty();
        assertThat(conversation(id).parts()).extracting(Part::partType).containsExactly("close");
        assertThat(assign(id, "team", team).status()).isEqualTo(200);
        assertThat(fake.teamAssignee(id)).contains(team);
    }

    @Test
    void holdFirstByRouteKeyHoldsAnUpdate() throws Exception {
        String id = startConversation();
        CompletableFuture<Void> held = fake.holdFirst("PUT /conversations/{id}");

        CompletableFuture<HttpResponse<String>> update =
                http.sendAsync(
                        request("PUT", "/conversations/" + id, Map.of("title", "Held")).build(),
                        HttpResponse.BodyHandlers.ofString());
        held.get(10, TimeUnit.SECONDS);
        fake.releaseHeld();

        assertThatThrownBy(update::join).hasCauseInstanceOf(IOException.class);
        assertThat(fake.title(id)).isEmpty();
        assertThat(fake.faultsInjected(Fault.HELD)).isEqualTo(1);
        assertThat(put("/conversations/" + id, Map.of("title", "Served")).status()).isEqualTo(200);
        assertThat(fake.title(id)).contains("Served");
    }

    @Test
    void holdAnswerOfFirstAppliesTheWriteThenDropsItsAnswer() throws Exception {
        String team = fake.addTeam("Billing");
        String id = startConversation();
        CompletableFuture<Void> applied = fake.holdAnswerOfFirst(Write.ASSIGNMENT);

        CompletableFuture<HttpResponse<String>> assignment =
                http.sendAsync(
                        request("POST", "/conversations/" + id + "/parts", assignment("team", team))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        applied.get(10, TimeUnit.SECONDS);

        assertThat(fake.teamAssignee(id)).as("applied before the answer").contains(team);
        assertThat(assignment).isNotDone();
        fake.releaseHeld();
        assertThatThrownBy(assignment::join).hasCauseInstanceOf(IOException.class);
        assertThat(conversation(id).parts())
                .extracting(Part::partType)
                .containsExactly("assignment");
        assertThat(fake.faultsInjected(Fault.HELD)).isEqualTo(1);
    }

    @Test
    void releasingAHoldNotYetMetCancelsIt() throws Exception {
        String id = startConversation();
        CompletableFuture<Void> held = fake.holdFirst("PUT /conversations/{id}");

        fake.releaseHeld();

        assertThat(put("/conversations/" + id, Map.of("title", "Served")).status()).isEqualTo(200);
        assertThat(held).isNotDone();
        assertThat(fake.faultsInjected(Fault.HELD)).isZero();
    }

    @Test
    void conversationLifecycleIsReflectedInModelAndSnapshots() throws Exception {
        String agent = fake.addAdmin("agent@fake.example", "Agent");
        String contact = fake.addContact("lead", "lee@example.com", "ext-7", "Lee");
        Map<String, Object> create =
                new LinkedHashMap<>(conversationBody(contact, "Printer on fire", HISTORIC));
        create.put("subject", "Help");
        create.put("attachment_urls", List.of("https://files.example/fire.png"));

        JsonNode message = post("/conversations", create).json();
        String id = message.path("conversation_id").asString();
        post(
                "/conversations/" + id + "/reply",
                Map.of(
                        "message_type",
                        "comment",
                        "type",
                        "user",
                        "intercom_user_id",
                        contact,
                        "body",
                        "Still burning",
                        "created_at",
                        HISTORIC + 10));
        post(
                "/conversations/" + id + "/reply",
                Map.of(
                        "message_type",
                        "note",
                        "type",
                        "admin",
                        "admin_id",
                        Long.parseLong(agent),
                        "body",
                        "Call the fire brigade",
                        "created_at",
                        HISTORIC + 20,
                        "attachment_urls",
                        List.of("http://files.example/a.txt")));
        String tagId = post("/tags", Map.of("name", "migrated")).json().path("id").asString();
        post("/conversations/" + id + "/tags", Map.of("id", tagId, "admin_id", agent));
        post("/conversations/" + id + "/tags", Map.of("id", tagId, "admin_id", agent));
        Reply closed =
                post(
                        "/conversations/" + id + "/parts",
                        Map.of("message_type", "close", "type", "admin", "admin_id", agent));
        JsonNode model = get("/conversations/" + id).json();

        assertThat(message.path("type").asString()).isEqualTo("user_message");
        assertThat(message.path("message_type").asString()).isEqualTo("inapp");
        assertThat(message.path("id").asString()).matches("\\d+");
        assertThat(id).matches("\\d+");
        assertThat(closed.json().path("state").asString()).isEqualTo("closed");
        assertThat(model.path("open").asBoolean()).isFalse();
        assertThat(model.path("source").path("author").path("type").asString()).isEqualTo("lead");
        assertThat(model.path("source").path("subject").asString()).isEqualTo("Help");
        assertThat(model.path("source").path("attachments").get(0).path("url").asString())
                .isEqualTo("https://files.example/fire.png");
        assertThat(model.path("contacts").path("contacts").get(0).path("id").asString())
                .isEqualTo(contact);
        assertThat(each(model.path("tags").path("tags"), "name")).containsExactly("migrated");
        JsonNode parts = model.path("conversation_parts");
        assertThat(parts.path("total_count").asInt()).isEqualTo(3);
        assertThat(each(parts.path("conversation_parts"), "part_type"))
                .containsExactly("comment", "note", "close");
        assertThat(parts.path("conversation_parts").get(1).path("author").path("id").asString())
                .isEqualTo(agent);

        Conversation snapshot = conversation(id);
        assertThat(snapshot.state()).isEqualTo(State.CLOSED);
        assertThat(snapshot.subject()).isEqualTo("Help");
        assertThat(snapshot.body()).isEqualTo("Printer on fire");
        assertThat(snapshot.tags()).containsExactly("migrated");
        assertThat(snapshot.parts())
                .extracting(Part::authorType)
                .containsExactly("lead", "admin", "admin");
        assertThat(snapshot.parts().get(1).attachments())
                .containsExactly("http://files.example/a.txt");
        assertThat(fake.conversationsOf(contact)).extracting(Conversation::id).containsExactly(id);
        assertThat(fake.notifications()).isZero();
    }

    @Test
    void contactReplyReopensAClosedConversation() throws Exception {
        String id = startConversation();
        post(
                "/conversations/" + id + "/parts",
                Map.of("message_type", "close", "type", "admin", "admin_id", fake.meAdminId()));

        post(
                "/conversations/" + id + "/reply",
                Map.of(
                        "message_type",
                        "comment",
                        "type",
                        "user",
                        "intercom_user_id",
                        conversation(id).contactId(),
                        "body",
                        "One more thing"));

        assertThat(conversation(id).state()).isEqualTo(State.OPEN);
    }

    @Test
    void rejectsInvalidConversationsAndReplies() throws Exception {
        String contact = fake.addContact("user", "ann@example.com", null, "Ann");
        Map<String, Object> tooMany = new LinkedHashMap<>(conversationBody(contact, "Hi", null));
        tooMany.put(
                "attachment_urls",
                IntStream.range(0, 11).mapToObj(i -> "https://f.example/" + i).toList());
        Map<String, Object> ftp = new LinkedHashMap<>(conversationBody(contact, "Hi", null));
        ftp.put("attachment_urls", List.of("ftp://f.example/x"));

        assertThat(post("/conversations", conversationBody(contact, "  ", null)).status())
                .isEqualTo(400);
        assertThat(post("/conversations", tooMany).status()).isEqualTo(400);
        assertThat(post("/conversations", ftp).status()).isEqualTo(400);
        Reply unknownUser =
                post("/conversations", conversationBody("0123456789abcdef01234567", "Hi", null));
        assertThat(unknownUser.status()).isEqualTo(404);
        assertThat(unknownUser.errorMessage()).isEqualTo("User Not Found");

        String id = createConversation(contact, "Hi", null);
        assertThat(
                        post(
                                        "/conversations/999999/reply",
                                        Map.of(
                                                "message_type",
                                                "comment",
                                                "type",
                                                "user",
                                                "intercom_user_id",
                                                contact,
                                                "body",
                                                "x"))
                                .status())
                .isEqualTo(404);
        assertThat(
                        post(
                                        "/conversations/" + id + "/reply",
                                        Map.of(
                                                "message_type",
                                                "comment",
                                                "type",
                                                "admin",
                                                "admin_id",
                                                "42",
                                                "body",
                                                "x"))
                                .status())
                .isEqualTo(404);
        assertThat(
                        post(
                                        "/conversations/" + id + "/reply",
                                        Map.of(
                                                "message_type",
                                                "comment",
                                                "type",
                                                "admin",
                                                "body",
                                                "x"))
                                .status())
                .isEqualTo(400);
        assertThat(fake.conversations()).hasSize(1);
        assertThat(conversation(id).parts()).isEmpty();
    }

    @Test
    void newContactsAreNotFoundUntilTheVisibilityDelayPassed() throws Exception {
        fake.contactVisibilityDelay(Duration.ofSeconds(5));
        String contact =
                post("/contacts", Map.of("role", "user", "email", "new@example.com"))
                        .json()
                        .path("id")
                        .asString();

        Reply tooEarly = post("/conversations", conversationBody(contact, "Hi", null));
        clock.advance(Duration.ofSeconds(5));
        Reply inTime = post("/conversations", conversationBody(contact, "Hi", null));

        assertThat(tooEarly.status()).isEqualTo(404);
        assertThat(tooEarly.errorMessage()).isEqualTo("User Not Found");
        assertThat(inTime.status()).isEqualTo(200);
        assertThat(fake.faultsInjected(Fault.CONTACT_NOT_YET_VISIBLE)).isEqualTo(1);
    }

    @Test
    void removePartSimulatesDataLoss() throws Exception {
        String id = startConversation();
        adminReply(id, "note", null, "2.16");
        adminReply(id, "comment", true, "2.16");

        fake.removePart(id, 0);

        assertThat(conversation(id).parts()).extracting(Part::partType).containsExactly("comment");
        assertThat(
                        get("/conversations/" + id)
                                .json()
                                .path("conversation_parts")
                                .path("total_count")
                                .asInt())
                .isEqualTo(1);
    }

    // ------------------------------------------------------------------ rate limiting

    @Test
    void rateLimitHeadersCountDownAndOverflowAnswers429() throws Exception {
        fake.rateLimitPerWindow(3);
        long windowEnd = Instant.parse("2024-05-01T12:00:10Z").getEpochSecond();

        List<Reply> withinWindow = List.of(get("/me"), get("/me"), get("/admins"));
        Reply overflow = post("/tags", Map.of("name", "too-late"));
        clock.advance(Duration.ofSeconds(3));
        Reply nextWindow = post("/tags", Map.of("name", "in-time"));

        assertThat(withinWindow)
                .allSatisfy(
                        reply -> {
                            assertThat(reply.status()).isEqualTo(200);
                            assertThat(reply.header("X-RateLimit-Limit")).isEqualTo("3");
                            assertThat(reply.header("X-RateLimit-Reset"))
                                    .isEqualTo(String.valueOf(windowEnd));
                        });
        assertThat(withinWindow)
                .extracting(reply -> reply.header("X-RateLimit-Remaining"))
                .containsExactly("2", "1", "0");
        assertThat(overflow.status()).isEqualTo(429);
        assertThat(overflow.errorCode()).isEqualTo("rate_limit_exceeded");
        assertThat(overflow.header("X-RateLimit-Remaining")).isEqualTo("0");
        assertThat(nextWindow.status()).isEqualTo(200);
        assertThat(nextWindow.header("X-RateLimit-Remaining")).isEqualTo("2");
        assertThat(nextWindow.header("X-RateLimit-Reset"))
                .isEqualTo(String.valueOf(windowEnd + 10));
        assertThat(fake.tags()).extracting(FakeIntercom.Tag::name).containsExactly("in-time");
        assertThat(fake.rateLimited()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ fault injection

    @Test
    void lostResponseStillCreatesTheConversation() throws Exception {
        String contact = fake.addContact("user", "ann@example.com", null, "Ann");
        fake.lostResponseRate(1.0);

        assertThatThrownBy(
                        () ->
                                post(
                                        "/conversations",
                                        conversationBody(contact, "Did this arrive?", null)))
                .isInstanceOf(IOException.class);

        fake.lostResponseRate(0);
        assertThat(fake.conversations())
                .extracting(Conversation::body)
                .containsExactly("Did this arrive?");
        assertThat(fake.faultsInjected(Fault.LOST_RESPONSE)).isEqualTo(1);
        assertThat(fake.requests("POST /conversations")).isEqualTo(1);
        assertThat(get("/conversations/" + fake.conversations().get(0).id()).status())
                .isEqualTo(200);
    }

    @Test
    void lostResponsesDoNotAffectReads() throws Exception {
        fake.lostResponseRate(1.0);

        assertThat(get("/me").status()).isEqualTo(200);
        assertThat(
                        post(
                                        "/contacts/search",
                                        Map.of("query", filter("email", "=", "x@example.com")))
                                .status())
                .isEqualTo(200);
    }

    @Test
    void connectionResetAndServerErrorsDoNothing() throws Exception {
        fake.connectionResetRate(1.0);
        assertThatThrownBy(() -> post("/tags", Map.of("name", "reset")))
                .isInstanceOf(IOException.class);
        fake.connectionResetRate(0).serverErrorRate(1.0);
        Reply serverError = post("/tags", Map.of("name", "broken"));
        fake.serverErrorRate(0).tooManyRequestsRate(1.0);
        Reply throttled = post("/tags", Map.of("name", "throttled"));

        assertThat(serverError.status()).isIn(500, 502, 503);
        assertThat(serverError.json().path("type").asString()).isEqualTo("error.list");
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.errorCode()).isEqualTo("rate_limit_exceeded");
        assertThat(fake.tags()).isEmpty();
        assertThat(fake.faultsInjected())
                .containsEntry(Fault.CONNECTION_RESET, 1)
                .containsEntry(Fault.SERVER_ERROR, 1)
                .containsEntry(Fault.TOO_MANY_REQUESTS, 1);
        assertThat(fake.rateLimited()).isEqualTo(1);
        assertThat(fake.requests("POST /tags")).isEqualTo(3);
    }

    @Test
    void goDownDropsEveryConnectionUntilItComesBack() throws Exception {
        assertThat(get("/me").status()).isEqualTo(200);

        fake.goDown();
        assertThatThrownBy(() -> post("/tags", Map.of("name", "while-down")))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> get("/me")).isInstanceOf(IOException.class);
        assertThat(fake.tags()).isEmpty();
        assertThat(fake.faultsInjected(Fault.DOWN)).isGreaterThanOrEqualTo(2);

        fake.comeBack();
        assertThat(post("/tags", Map.of("name", "after")).status()).isEqualTo(200);
    }

    @Test
    void goDownAfterRequestsServesThatManyFirst() throws Exception {
        fake.goDownAfterRequests(2);

        assertThat(post("/tags", Map.of("name", "one")).status()).isEqualTo(200);
        assertThat(post("/tags", Map.of("name", "two")).status()).isEqualTo(200);
        assertThatThrownBy(() -> post("/tags", Map.of("name", "three")))
                .isInstanceOf(IOException.class);

        assertThat(fake.isDown()).isTrue();
        assertThat(fake.tags()).extracting(FakeIntercom.Tag::name).containsExactly("one", "two");
    }

    @Test
    void slowResponsesArriveAfterTheClientGaveUpButTheWorkIsDone() throws Exception {
        String contact = fake.addContact("user", "slow@example.com", null, "Slow");
        fake.slowResponses(1.0, Duration.ofMillis(1500));

        HttpRequest.Builder create =
                request("POST", "/conversations", conversationBody(contact, "Too slow?", null))
                        .timeout(Duration.ofMillis(200));
        assertThatThrownBy(() -> send(create))
                .isInstanceOf(java.net.http.HttpTimeoutException.class);

        fake.slowResponses(0, Duration.ZERO);
        assertThat(fake.conversations())
                .extracting(Conversation::body)
                .containsExactly("Too slow?");
        assertThat(fake.faultsInjected(Fault.SLOW_RESPONSE)).isEqualTo(1);
        assertThat(get("/me").status()).isEqualTo(200);
    }

    @Test
    void lateCreatesHappenAfterTheClientGaveUp() throws Exception {
        String contact = fake.addContact("user", "late@example.com", null, "Late");
        fake.lateCreates(1.0, Duration.ofMillis(800));

        HttpRequest.Builder create =
                request("POST", "/conversations", conversationBody(contact, "Still coming", null))
                        .timeout(Duration.ofMillis(200));
        assertThatThrownBy(() -> send(create))
                .isInstanceOf(java.net.http.HttpTimeoutException.class);
        assertThat(fake.awaitLateCreates(Duration.ofSeconds(5))).isTrue();

        fake.lateCreates(0, Duration.ZERO);
        assertThat(fake.conversations())
                .extracting(Conversation::body)
                .containsExactly("Still coming");
        assertThat(fake.faultsInjected(Fault.LATE_CREATE)).isEqualTo(1);
        assertThat(get("/me").status()).isEqualTo(200);
    }

    /**
     * A gateway's 5xx for a write the server did: set for one kind of write, the others (here, the
     * conversation a reply or close needs) are answered as usual.
     */
    @ParameterizedTest
    @EnumSource(Write.class)
    void serverErrorAfterWriteAnswers5xxForAWriteThatWasDone(Write write) throws Exception {
        fake.serverErrorAfterWrite(write, 1.0);
        WriteCase w = prepare(write);

        Reply reply = send(w.request());

        assertThat(reply.status()).isIn(502, 503, 504);
        assertThat(reply.errorMessage()).isEqualTo("Injected server error after the write");
        assertThat(w.done().getAsBoolean()).as("%s applied", write).isTrue();
        assertThat(fake.faultsInjected(Fault.SERVER_ERROR_AFTER_WRITE)).isEqualTo(1);
        assertThat(fake.receivedRequests())
                .filteredOn(r -> r.fault() == Fault.SERVER_ERROR_AFTER_WRITE)
                .extracting(ReceivedRequest::route)
                .containsExactly(w.route());
    }

    /** A share of writes is hit evenly, not by chance: a share of 1/3 is every third. */
    @Test
    void serverErrorAfterWriteHitsItsShareEvenly() throws Exception {
        fake.serverErrorAfterWrite(Write.CONVERSATION_CREATE, 1.0 / 3);
        String contact = fake.addContact("user", "e@example.com", null, "E");

        List<Boolean> failed = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            failed.add(
                    post("/conversations", conversationBody(contact, "No " + i, null)).status()
                            >= 500);
        }

        assertThat(failed).containsExactly(false, false, true, false, false, true);
        assertThat(fake.conversations()).hasSize(6);
    }

    /** An answer held past the client's timeout, for a write the server did at once. */
    @ParameterizedTest
    @EnumSource(Write.class)
    void answerAfterTimeoutComesAfterTheClientGaveUpOnAWriteThatWasDone(Write write)
            throws Exception {
        fake.answerAfterTimeout(write, 1.0, Duration.ofMillis(1500));
        WriteCase w = prepare(write);

        assertThatThrownBy(() -> send(w.request().timeout(Duration.ofMillis(200))))
                .isInstanceOf(java.net.http.HttpTimeoutException.class);

        assertThat(w.done().getAsBoolean()).as("%s applied", write).isTrue();
        assertThat(fake.faultsInjected(Fault.ANSWER_AFTER_TIMEOUT)).isEqualTo(1);
        assertThat(fake.receivedRequests())
                .filteredOn(r -> r.fault() == Fault.ANSWER_AFTER_TIMEOUT)
                .extracting(ReceivedRequest::route)
                .containsExactly(w.route());
        assertThat(get("/me").status()).isEqualTo(200);
    }

    /** One write of a kind, its route, and whether Intercom shows it done. */
    private record WriteCase(HttpRequest.Builder request, String route, BooleanSupplier done) {}

    private WriteCase prepare(Write write) throws Exception {
        String contact = fake.addContact("user", "w@example.com", null, "W");
        String team = fake.addTeam("Billing");
        if (write == Write.CONVERSATION_CREATE) {
            return new WriteCase(
                    request("POST", "/conversations", conversationBody(contact, "Once?", null)),
                    "POST /conversations",
                    () -> fake.conversations().stream().anyMatch(c -> c.body().equals("Once?")));
        }
        String id = createConversation(contact, "Hello", null);
        if (write == Write.REPLY) {
            return new WriteCase(
                    request(
                            "POST",
                            "/conversations/" + id + "/reply",
                            Map.of(
                                    "message_type",
                                    "comment",
                                    "type",
                                    "user",
                                    "intercom_user_id",
                                    contact,
                                    "body",
                                    "Any news?")),
                    "POST /conversations/{id}/reply",
                    () ->
                            conversation(id).parts().stream()
                                    .anyMatch(p -> "Any news?".equals(p.body())));
        }
        if (write == Write.ASSIGNMENT) {
            return new WriteCase(
                    request("POST", "/conversations/" + id + "/parts", assignment("team", team)),
                    "POST /conversations/{id}/parts",
                    () -> fake.teamAssignee(id).isPresent());
        }
        if (write == Write.UPDATE) {
            return new WriteCase(
                    request("PUT", "/conversations/" + id, Map.of("title", "Once")),
                    "PUT /conversations/{id}",
                    () -> fake.title(id).isPresent());
        }
        return new WriteCase(
                request(
                        "POST",
                        "/conversations/" + id + "/parts",
                        Map.of(
                                "message_type",
                                "close",
                                "type",
                                "admin",
                                "admin_id",
                                fake.meAdminId())),
                "POST /conversations/{id}/parts",
                () -> !conversation(id).isOpen());
    }

    @Test
    void revokedTokenIsRefusedAfterNRequestsUntilRestored() throws Exception {
        fake.revokeTokenAfterRequests(2);

        assertThat(get("/me").status()).isEqualTo(200);
        assertThat(post("/tags", Map.of("name", "before")).status()).isEqualTo(200);
        Reply revoked = post("/tags", Map.of("name", "after"));
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.errorCode()).isEqualTo("unauthorized");
        assertThat(get("/me").status()).isEqualTo(401);
        assertThat(fake.isTokenRevoked()).isTrue();
        assertThat(fake.tags()).extracting(FakeIntercom.Tag::name).containsExactly("before");
        assertThat(fake.faultsInjected(Fault.TOKEN_REVOKED)).isEqualTo(2);

        fake.restoreToken();
        assertThat(get("/me").status()).isEqualTo(200);
        fake.revokeTokenAfterRequests(0);
        assertThat(get("/me").status()).isEqualTo(401);
    }

    @Test
    void receivedRequestsKeepEveryBodyIncludingDroppedOnes() throws Exception {
        assertThat(post("/tags", Map.of("name", "kept")).status()).isEqualTo(200);
        fake.connectionResetRate(1.0);
        assertThatThrownBy(() -> post("/tags", Map.of("name", "dropped")))
                .isInstanceOf(IOException.class);
        fake.connectionResetRate(0);
        get("/me");

        assertThat(fake.receivedRequests())
                .extracting(FakeIntercom.ReceivedRequest::route)
                .containsExactly("POST /tags", "POST /tags", "GET /me");
        assertThat(fake.receivedRequests())
                .extracting(r -> JSON.readTree(r.body()).path("name").asString(""))
                .containsExactly("kept", "dropped", "");
        assertThat(fake.receivedRequests())
                .extracting(FakeIntercom.ReceivedRequest::fault)
                .containsExactly(null, Fault.CONNECTION_RESET, null);
    }

    @Test
    void faultsAreReproducibleForAGivenSeed() throws Exception {
        List<Integer> first = statusesWithHalfServerErrors(7);
        List<Integer> second = statusesWithHalfServerErrors(7);

        assertThat(first).isEqualTo(second).contains(200).containsAnyOf(500, 502, 503);
    }

    @Test
    void concurrentCreatesAreAllRecordedWithDistinctIds() throws Exception {
        // 32 at a time, as a migration's workers send: 200 connections opened at once overflowed
        // the server socket's accept backlog on a loaded machine (connections reset, not the fake).
        ExecutorService senders = Executors.newFixedThreadPool(32);
        List<Future<HttpResponse<String>>> calls = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                HttpRequest request =
                        request(
                                        "POST",
                                        "/contacts",
                                        Map.of("role", "user", "email", "c" + i + "@example.com"))
                                .build();
                calls.add(
                        senders.submit(
                                () -> http.send(request, HttpResponse.BodyHandlers.ofString())));
            }
        } finally {
            senders.shutdown();
        }

        List<HttpResponse<String>> responses = new ArrayList<>();
        for (Future<HttpResponse<String>> call : calls) {
            responses.add(call.get());
        }

        assertThat(responses).extracting(HttpResponse::statusCode).containsOnly(200);
        assertThat(fake.contacts()).hasSize(200);
        assertThat(fake.contacts().stream().map(FakeIntercom.Contact::id).distinct()).hasSize(200);
        assertThat(fake.requestCount()).isEqualTo(200);
    }

    // ------------------------------------------------------------------ helpers

    private List<Integer> statusesWithHalfServerErrors(long seed) throws Exception {
        fake.seed(seed).serverErrorRate(0.5);
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            statuses.add(get("/me").status());
        }
        return statuses;
    }

    private String startConversation() throws Exception {
        String contact =
                fake.addContact("user", "c" + fake.contacts().size() + "@example.com", null, "C");
        return createConversation(contact, "Hello", null);
    }

    private String createConversation(String contactId, String body, Long createdAt)
            throws Exception {
        Reply reply = post("/conversations", conversationBody(contactId, body, createdAt));
        assertThat(reply.status()).isEqualTo(200);
        return reply.json().path("conversation_id").asString();
    }

    private void adminReply(String conversationId, String messageType, Boolean skip, String version)
            throws Exception {
        Map<String, Object> body =
                new LinkedHashMap<>(
                        Map.of(
                                "message_type",
                                messageType,
                                "type",
                                "admin",
                                "admin_id",
                                fake.meAdminId(),
                                "body",
                                "Admin " + messageType));
        if (skip != null) {
            body.put("skip_notifications", skip);
        }
        assertThat(post("/conversations/" + conversationId + "/reply", body, version).status())
                .isEqualTo(200);
    }

    private Reply close(String conversationId) throws Exception {
        return post(
                "/conversations/" + conversationId + "/parts",
                Map.of("message_type", "close", "type", "admin", "admin_id", fake.meAdminId()));
    }

    /** A PUT body setting one custom attribute to a JSON value. */
    private static Map<String, Object> attributes(String name, String jsonValue) {
        return Map.of("custom_attributes", Map.of(name, JSON.readTree(jsonValue)));
    }

    /** An assignment by the token's admin, without a message. */
    private Map<String, Object> assignment(String type, String assigneeId) {
        return Map.of(
                "message_type",
                "assignment",
                "type",
                type,
                "admin_id",
                fake.meAdminId(),
                "assignee_id",
                assigneeId);
    }

    private Reply assign(String conversationId, String type, String assigneeId) throws Exception {
        return post("/conversations/" + conversationId + "/parts", assignment(type, assigneeId));
    }

    private Reply put(String path, Map<String, ?> body) throws Exception {
        return send(request("PUT", path, body));
    }

    private List<String> conversationIds(Map<String, Object> search) throws Exception {
        return each(post("/conversations/search", search).json().path("conversations"), "id");
    }

    /** The given property of each element of a JSON array, in order. */
    private static List<String> each(JsonNode array, String property) {
        return array.valueStream().map(element -> element.path(property).asString()).toList();
    }

    private Conversation conversation(String id) {
        return fake.conversation(id).orElseThrow();
    }

    private static Map<String, Object> conversationBody(
            String contactId, String body, Long createdAt) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("from", Map.of("type", "user", "id", contactId));
        map.put("body", body);
        if (createdAt != null) {
            map.put("created_at", createdAt);
        }
        return map;
    }

    private static Map<String, Object> filter(String field, String operator, Object value) {
        return Map.of("field", field, "operator", operator, "value", value);
    }

    private Reply get(String path) throws Exception {
        return send(request("GET", path, null));
    }

    private Reply post(String path, Map<String, ?> body) throws Exception {
        return send(request("POST", path, body));
    }

    private Reply post(String path, Map<String, ?> body, String version) throws Exception {
        return send(request("POST", path, body).setHeader("Intercom-Version", version));
    }

    private HttpRequest.Builder request(String method, String path, Map<String, ?> body) {
        HttpRequest.BodyPublisher publisher =
                body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json(body));
        return HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + FakeIntercom.TOKEN)
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .header("Intercom-Version", "2.16")
                .method(method, publisher);
    }

    private URI uri(String path) {
        return URI.create(fake.baseUrl() + path);
    }

    private Reply send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response =
                http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), JSON.readTree(response.body()), response.headers());
    }

    private static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    private record Reply(int status, JsonNode json, HttpHeaders headers) {
        String errorCode() {
            return json.path("errors").get(0).path("code").asString();
        }

        String errorMessage() {
            return json.path("errors").get(0).path("message").asString();
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }
}
