package dev.migrator.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrator.delivery.InDoubtProtocol.SearchNotCaughtUp;
import dev.migrator.intercom.ApiErrorException;
import dev.migrator.intercom.ApiRequest;
import dev.migrator.intercom.IntercomApi;
import dev.migrator.intercom.IntercomApi.Content;
import dev.migrator.intercom.IntercomTransport;
import dev.migrator.intercom.IntercomUnavailableException;
import dev.migrator.intercom.OutcomeUnknownException;
import dev.migrator.testserver.FakeIntercom.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The in-doubt protocol over the real {@link IntercomApi}, with a transport that answers from a
 * script and a clock that only the test moves. The protocol never waits: where the settle step
 * would look again in a later round, the test does ({@link #inRounds}).
 */
class InDoubtProtocolTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration WINDOW = Duration.ofMinutes(2);
    private static final String CONTACT_ID = "contact-1";
    private static final Content OPENING =
            new Content("My printer is on fire", List.of(), 1_600_000_000L);
    private static final Content REPLY =
            new Content("Have you tried water?", List.of(), 1_600_000_060L);

    private static final String CREATE = "POST /conversations";
    private static final String SEARCH = "POST /conversations/search";
    private static final String READ_CONVERSATION = "GET /conversations/conv-1";
    private static final String REPLY_TO_CONVERSATION = "POST /conversations/conv-1/reply";

    private final ManualClock clock = new ManualClock(Instant.parse("2024-05-01T12:00:00Z"));
    private final ScriptedTransport transport = new ScriptedTransport();
    private final IntercomApi api = new IntercomApi(transport, JSON);

    /** When the create's answer was lost, as the ledger keeps it; null while none is in doubt. */
    private Long lostAt;

    @Test
    void aLostCreateThatTheLookupFindsIsNotSentAgain() {
        transport.script(CREATE, lostAnswer());
        transport.script(SEARCH, json(searchResult("conv-found", OPENING.body())));

        String id = createConversation(protocol());

        assertThat(id).isEqualTo("conv-found");
        assertThat(transport.received(CREATE)).hasSize(1);
        assertThat(transport.received(SEARCH)).hasSize(1);
        assertThat(clock.millis())
                .as("found at once")
                .isEqualTo(transport.received(CREATE).get(0).atMillis());
    }

    @Test
    void aLostCreateNotFoundIsSentAgainOnceOnlyAfterTheWindowHasPassed() {
        transport.script(CREATE, lostAnswer(), json("{\"conversation_id\":\"conv-2\"}"));
        transport.always(SEARCH, json(searchResult()));

        String id = inRounds(() -> createConversation(protocol()));

        assertThat(id).isEqualTo("conv-2");
        List<Received> creates = transport.received(CREATE);
        assertThat(creates).hasSize(2);
        long lostAt = creates.get(0).atMillis();
        List<Received> searches = transport.received(SEARCH);
        assertThat(searches)
                .as("search is asked again while the clock advances")
                .hasSizeGreaterThan(1);
        assertThat(searches).extracting(Received::atMillis).isSorted().doesNotHaveDuplicates();
        assertThat(searches.get(searches.size() - 1).atMillis())
                .as("'not found' is believed only from a look after the window")
                .isGreaterThanOrEqualTo(lostAt + WINDOW.toMillis());
        assertThat(creates.get(1).atMillis()).isGreaterThanOrEqualTo(lostAt + WINDOW.toMillis());
    }

    @Test
    void aRefusedCreateIsPassedOnWithoutALookup() {
        transport.script(CREATE, refused(422, "parameter_invalid", "Body is required"));

        assertThatThrownBy(() -> createConversation(protocol()))
                .isInstanceOfSatisfying(
                        ApiErrorException.class, e -> assertThat(e.status()).isEqualTo(422));
        assertThat(transport.received(CREATE)).hasSize(1);
        assertThat(transport.received(SEARCH)).isEmpty();
    }

    @Test
    void aCreateThatKeepsLosingItsAnswerStopsTheRunAfterTheLimit() {
        transport.always(CREATE, lostAnswer());
        transport.always(SEARCH, json(searchResult()));

        // No window: each loss's "not found" is believed at once, and the create is sent again.
        assertThatThrownBy(() -> createConversation(protocol(Duration.ZERO)))
                .isInstanceOf(IntercomUnavailableException.class)
                .hasMessageContaining("creating conversation source-1")
                .hasMessageContaining(
                        "lost its answer " + InDoubtProtocol.MAX_LOST_ANSWERS + " times");
        assertThat(transport.received(CREATE)).hasSize(InDoubtProtocol.MAX_LOST_ANSWERS);
    }

    @Test
    void aCreateFoundAfterItsLastAllowedLossIsUsedRatherThanStoppingTheRun() {
        transport.always(CREATE, lostAnswer());
        // Not there after any loss but the last: the last loss's lookup finds it at its first look.
        transport.always(
                SEARCH,
                request ->
                        json(transport.received(CREATE).size() < InDoubtProtocol.MAX_LOST_ANSWERS
                                        ? searchResult()
                                        : searchResult("conv-late", OPENING.body()))
                                .answer(request));

        String id = createConversation(protocol(Duration.ZERO));

        assertThat(id).isEqualTo("conv-late");
        assertThat(transport.received(CREATE)).hasSize(InDoubtProtocol.MAX_LOST_ANSWERS);
    }

    @Test
    void aCreateThatSearchCannotConfirmYetIsDeferredWithoutWaiting() {
        transport.script(CREATE, lostAnswer());
        transport.always(SEARCH, json(searchResult()));
        long sentAt = clock.millis();

        assertThatThrownBy(() -> createConversation(protocol()))
                .isInstanceOfSatisfying(
                        SearchNotCaughtUp.class,
                        e ->
                                assertThat(e.decidableAt())
                                        .as("decidable once the window since the loss has passed")
                                        .isEqualTo(sentAt + WINDOW.toMillis()));
        assertThat(clock.millis()).as("no time passed: nothing waited").isEqualTo(sentAt);
        assertThat(transport.received(CREATE)).hasSize(1);
        assertThat(transport.received(SEARCH)).hasSize(1);
    }

    @Test
    void notFoundIsBelievedOnceTheWindowHasPassedSinceTheLoss() {
        transport.always(SEARCH, json(searchResult()));
        long lost = clock.millis();
        clock.advance(WINDOW);

        Optional<String> found = protocol().search(lost, this::findOpening);

        assertThat(found).isEmpty();
        assertThat(transport.received(SEARCH)).hasSize(1);
    }

    @Test
    void aCreateThatSearchShowsLateWithinTheWindowIsNotSentAgain() {
        transport.script(CREATE, lostAnswer());
        transport.script(
                SEARCH,
                json(searchResult()),
                json(searchResult()),
                json(searchResult("conv-late", OPENING.body())));

        String id = inRounds(() -> createConversation(protocol()));

        assertThat(id).isEqualTo("conv-late");
        assertThat(transport.received(CREATE)).hasSize(1);
        long lostAt = transport.received(CREATE).get(0).atMillis();
        List<Received> searches = transport.received(SEARCH);
        assertThat(searches).hasSize(3);
        assertThat(searches.get(2).atMillis())
                .as("found within the window")
                .isLessThan(lostAt + WINDOW.toMillis());
    }

    @Test
    void aLostReplyThatTheConversationShowsIsNotSentAgain() {
        transport.script(REPLY_TO_CONVERSATION, lostAnswer());
        transport.script(
                READ_CONVERSATION,
                json(
                        """
                        {"id":"conv-1","conversation_parts":{"conversation_parts":[
                          {"body":"Have you tried water?","created_at":1600000060,"author":{"type":"user"}}]}}\
                        """));

        boolean sent =
                protocol()
                        .send(
                                "sending a reply",
                                () -> {
                                    api.replyAsContact("conv-1", CONTACT_ID, REPLY);
                                    return true;
                                },
                                () -> replyShown() ? Optional.of(false) : Optional.empty());

        assertThat(sent).as("the lookup's answer: done by the earlier attempt").isFalse();
        assertThat(transport.received(REPLY_TO_CONVERSATION)).hasSize(1);
        assertThat(transport.received(READ_CONVERSATION)).hasSize(1);
    }

    // ------------------------------------------------------------- the caller's side, as
    // ConversationMigrator has it

    private InDoubtProtocol protocol() {
        return protocol(WINDOW);
    }

    private InDoubtProtocol protocol(Duration window) {
        return new InDoubtProtocol(window, clock);
    }

    /**
     * Creates the conversation, or, when an earlier create's answer was lost, looks for it first,
     * from the time of that loss.
     */
    private String createConversation(InDoubtProtocol protocol) {
        if (lostAt != null) {
            Optional<String> found = protocol.search(lostAt, this::findOpening);
            if (found.isPresent()) {
                return found.get();
            }
        }
        return protocol.send(
                "creating conversation source-1",
                () -> api.createConversation(CONTACT_ID, "user", "Printer", OPENING),
                () -> {
                    // The window counts from when the answer was lost, the latest the create can
                    // have happened.
                    lostAt = clock.millis();
                    return protocol.search(lostAt, this::findOpening);
                });
    }

    /**
     * What the settle step does for one record: tries it, and while Intercom cannot tell yet, waits
     * (moving the clock) until it can decide, at most a second, and tries again.
     */
    private <T> T inRounds(Supplier<T> attempt) {
        while (true) {
            try {
                return attempt.get();
            } catch (SearchNotCaughtUp e) {
                clock.advance(Duration.ofMillis(Math.min(e.decidableAt() - clock.millis(), 1_000)));
            }
        }
    }

    private Optional<String> findOpening() {
        for (JsonNode candidate : api.findConversations(CONTACT_ID, OPENING.createdAt())) {
            if (candidate.path("source").path("body").asString("").equals(OPENING.body())) {
                return Optional.of(candidate.path("id").asString());
            }
        }
        return Optional.empty();
    }

    private boolean replyShown() {
        for (JsonNode part :
                api.conversation("conv-1").path("conversation_parts").path("conversation_parts")) {
            if (part.path("created_at").asLong() == REPLY.createdAt()
                    && part.path("body").asString("").equals(REPLY.body())) {
                return true;
            }
        }
        return false;
    }

    private long lastCreateAt() {
        List<Received> creates = transport.received(CREATE);
        return creates.get(creates.size() - 1).atMillis();
    }

    /** A search answer holding a conversation of that id and opening body per pair of arguments. */
    private static String searchResult(String... idsAndBodies) {
        StringBuilder conversations = new StringBuilder();
        for (int i = 0; i < idsAndBodies.length; i += 2) {
            conversations
                    .append(i == 0 ? "" : ",")
                    .append("{\"id\":\"")
                    .append(idsAndBodies[i])
                    .append("\",\"source\":{\"body\":\"")
                    .append(idsAndBodies[i + 1])
                    .append("\"}}");
        }
        return "{\"type\":\"conversation.list\",\"conversations\":[" + conversations + "]}";
    }

    // ------------------------------------------------------------------ the scripted transport

    @FunctionalInterface
    interface Answer {
        JsonNode answer(ApiRequest request);
    }

    private static Answer json(String body) {
        return request -> JSON.readTree(body);
    }

    private static Answer lostAnswer() {
        return request -> {
            throw new OutcomeUnknownException(
                    request, "no response (HttpTimeoutException: request timed out)");
        };
    }

    private static Answer refused(int status, String code, String message) {
        return request -> {
            throw new ApiErrorException(status, code, message);
        };
    }

    /** A request as the transport got it, with the test clock's time then. */
    record Received(ApiRequest request, long atMillis) {}

    /**
     * Answers each route ("METHOD /path") from its script, then from its standing answer; records
     * every request.
     */
    private final class ScriptedTransport implements IntercomTransport {
        private final Map<String, Deque<Answer>> scripts = new HashMap<>();
        private final Map<String, Answer> standing = new HashMap<>();
        private final List<Received> received = new ArrayList<>();

        void script(String route, Answer... answers) {
            scripts.computeIfAbsent(route, r -> new ArrayDeque<>()).addAll(List.of(answers));
        }

        void always(String route, Answer answer) {
            standing.put(route, answer);
        }

        List<Received> received(String route) {
            return received.stream().filter(r -> route(r.request()).equals(route)).toList();
        }

        @Override
        public JsonNode exchange(ApiRequest request) {
            String route = route(request);
            received.add(new Received(request, clock.millis()));
            Deque<Answer> script = scripts.get(route);
            Answer answer =
                    script != null && !script.isEmpty() ? script.poll() : standing.get(route);
            if (answer == null) {
                throw new AssertionError("no answer scripted for " + route);
            }
            return answer.answer(request);
        }

        @Override
        public long callCount() {
            return received.size();
        }

        private String route(ApiRequest request) {
            return request.method() + " " + request.path();
        }
    }
}
