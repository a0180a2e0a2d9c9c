package dev.migrator.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.source.SourceConversation;
import dev.migrator.source.SourceConversation.SourceContact;
import dev.migrator.source.SourceConversation.SourceMessage;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Planned parts come in created_at order, messages with equal times in export order, and the marker
 * opening appears exactly when the earliest message is not the contact's own.
 */
class PartOrderPropertyTest {

    private static final long BASE = Instant.parse("2021-03-04T10:00:00Z").getEpochSecond();
    private final ConversationPlanner planner =
            new ConversationPlanner(
                    ZoneId.of("Europe/Paris"),
                    Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));

    enum Kind {
        CONTACT,
        AGENT,
        NOTE
    }

    /**
     * One exported message: who wrote it, when (a few minutes apart, so ties are common), in which
     * notation.
     */
    record Message(Kind kind, long epochSecond, int notation, String agent) {
        SourceMessage toSource(int index) {
            String createdAt =
                    switch (notation) {
                        case 0 -> Instant.ofEpochSecond(epochSecond).toString();
                        case 1 -> Long.toString(epochSecond);
                        case 2 ->
                                Long.toString(
                                        epochSecond * 1000
                                                + index % 1000); // sub-second millis are dropped
                        default ->
                                Instant.ofEpochSecond(epochSecond)
                                        .atOffset(ZoneOffset.ofHoursMinutes(5, 45))
                                        .toString();
                    };
            return switch (kind) {
                case CONTACT ->
                        new SourceMessage(
                                "m-" + index,
                                "contact",
                                null,
                                null,
                                "body " + index,
                                createdAt,
                                List.of(),
                                false);
                case AGENT, NOTE ->
                        new SourceMessage(
                                "m-" + index,
                                "agent",
                                agent + "@acme.example",
                                agent,
                                "body " + index,
                                createdAt,
                                List.of(),
                                kind == Kind.NOTE);
            };
        }
    }

    @Provide
    Arbitrary<List<Message>> conversations() {
        return Combinators.combine(
                        Arbitraries.of(Kind.class),
                        Arbitraries.integers().between(0, 8),
                        Arbitraries.integers().between(0, 3),
                        Arbitraries.of("Bob", "Cy"))
                .as(
                        (kind, minute, notation, agent) ->
                                new Message(kind, BASE + minute * 60L, notation, agent))
                .list()
                .ofMinSize(1)
                .ofMaxSize(25);
    }

    @Property
    void sortsByTimeStablyAndOpensWithTheContact(@ForAll("conversations") List<Message> messages) {
        List<SourceMessage> exported =
                IntStream.range(0, messages.size())
                        .mapToObj(i -> messages.get(i).toSource(i))
                        .toList();
        PlannedConversation planned =
                planner.plan(
                        new SourceConversation(
                                "c-1",
                                null,
                                null,
                                null,
                                List.of(),
                                new SourceContact("ann@example.org", null, null, null),
                                exported));

        List<Integer> expectedOrder =
                IntStream.range(0, messages.size())
                        .boxed()
                        .sorted(
                                Comparator.comparingLong(
                                        i -> messages.get(i).epochSecond())) // List.sort is stable
                        .toList();
        List<String> expectedKeys = expectedOrder.stream().map(i -> "m-" + i).toList();
        Message earliest = messages.get(expectedOrder.get(0));
        boolean marker = earliest.kind() != Kind.CONTACT;

        List<PlannedPart> parts = planned.parts();
        List<PlannedPart> messageParts = marker ? parts.subList(1, parts.size()) : parts;
        assertThat(messageParts)
                .extracting(PlannedPart::key)
                .containsExactlyElementsOf(expectedKeys);
        assertThat(parts).extracting(PlannedPart::createdAt).isSorted();
        assertThat(parts).filteredOn(p -> p.startMarker()).hasSize(marker ? 1 : 0);
        assertThat(planned.opening().byContact()).isTrue();
        assertThat(planned.opening().note()).isFalse();
        if (marker) {
            assertThat(planned.opening().key()).isEqualTo(" opening:m-" + expectedOrder.get(0));
            assertThat(planned.opening().body())
                    .startsWith("Conversation started by " + earliest.agent() + " (");
            assertThat(planned.opening().createdAt()).isEqualTo(earliest.epochSecond());
        }
        boolean inOrder =
                expectedOrder.equals(IntStream.range(0, messages.size()).boxed().toList());
        assertThat(planned.warnings())
                .filteredOn(w -> w.contains("out of time order"))
                .hasSize(inOrder ? 0 : 1);
        assertThat(planned.warnings())
                .filteredOn(w -> w.contains("started by an agent"))
                .hasSize(marker ? 1 : 0);
    }
}
