package dev.migrator.delivery;

import dev.migrator.intercom.ApiRequest;
import dev.migrator.intercom.IntercomTransport;
import dev.migrator.intercom.OutcomeUnknownException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers each route ("METHOD /path") from its script, then from its standing answer, and records
 * every request with the test clock's time then.
 */
final class ScriptedTransport implements IntercomTransport {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @FunctionalInterface
    interface Answer {
        JsonNode answer(ApiRequest request);
    }

    record Received(ApiRequest request, long atMillis) {}

    private final Clock clock;
    private final Map<String, Deque<Answer>> scripts = new HashMap<>();
    private final Map<String, Answer> standing = new HashMap<>();
    private final List<Received> received = new ArrayList<>();

    ScriptedTransport(Clock clock) {
        this.clock = clock;
    }

    static Answer json(String body) {
        return request -> JSON.readTree(body);
    }

    static Answer lostAnswer() {
        return request -> {
            throw new OutcomeUnknownException(
                    request, "no response (HttpTimeoutException: request timed out)");
        };
    }

    synchronized void script(String route, Answer... answers) {
        scripts.computeIfAbsent(route, r -> new ArrayDeque<>()).addAll(List.of(answers));
    }

    synchronized void always(String route, Answer answer) {
        standing.put(route, answer);
    }

    synchronized List<Received> received(String route) {
        return received.stream().filter(r -> route(r.request()).equals(route)).toList();
    }

    /** Every request received, in order. */
    synchronized List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public JsonNode exchange(ApiRequest request) {
        Answer answer;
        synchronized (this) {
            String route = route(request);
            received.add(new Received(request, clock.millis()));
            Deque<Answer> script = scripts.get(route);
            answer = script != null && !script.isEmpty() ? script.poll() : standing.get(route);
            if (answer == null) {
                throw new AssertionError("no answer scripted for " + route);
            }
        }
        return answer.answer(request);
    }

    @Override
    public synchronized long callCount() {
        return received.size();
    }

    private static String route(ApiRequest request) {
        return request.method() + " " + request.path();
    }
}
