package dev.migrator.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.source.SourceAttachment;
import dev.migrator.source.SourceConversation;
import dev.migrator.source.SourceConversation.SourceContact;
import dev.migrator.source.SourceConversation.SourceMessage;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * A message's attachments survive planning exactly once each: at most ten on the part, the rest
 * listed under "More attachments:" in the body, in export order, duplicates (after trimming)
 * dropped.
 */
class AttachmentSplittingPropertyTest {

    private static final String MORE = "More attachments:\n";
    private final ConversationPlanner planner =
            new ConversationPlanner(
                    ZoneId.of("Europe/Paris"),
                    Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));

    /** A message's attachment list as exported, and its body. */
    record Exported(List<String> attachments, String body) {}

    @Property(tries = 300)
    void keepsEveryAttachmentUrlExactlyOnce(@ForAll("messages") Exported exported) {
        PlannedPart part =
                planner.plan(
                                new SourceConversation(
                                        "c-1",
                                        null,
                                        null,
                                        null,
                                        List.of(),
                                        new SourceContact("ann@example.org", null, null, null),
                                        List.of(
                                                new SourceMessage(
                                                        "m-1",
                                                        "contact",
                                                        null,
                                                        null,
                                                        exported.body(),
                                                        "2021-01-01T00:00:00Z",
                                                        exported.attachments().stream()
                                                                .map(SourceAttachment::ofUrl)
                                                                .toList(),
                                                        false))))
                        .opening();

        List<String> distinct =
                new ArrayList<>(
                        new LinkedHashSet<>(
                                exported.attachments().stream().map(String::trim).toList()));
        List<String> listed = listedInBody(part.body());

        assertThat(part.attachments())
                .hasSizeLessThanOrEqualTo(ConversationPlanner.MAX_ATTACHMENTS);
        List<String> all =
                new ArrayList<>(part.attachments().stream().map(PlannedAttachment::url).toList());
        all.addAll(listed);
        for (String url : distinct) {
            assertThat(all).as("occurrences of %s", url).filteredOn(url::equals).hasSize(1);
        }
        assertThat(all)
                .as("attachments on the part, then in the body")
                .containsExactlyElementsOf(distinct);
        if (distinct.size() <= ConversationPlanner.MAX_ATTACHMENTS) {
            assertThat(part.body()).doesNotContain(MORE);
        }
    }

    /**
     * The lines of the "More attachments:" list that ends a body (bodies generated here never say
     * it themselves).
     */
    private static List<String> listedInBody(String body) {
        int at = body.lastIndexOf(MORE);
        return at < 0 ? List.of() : List.of(body.substring(at + MORE.length()).split("\n", -1));
    }

    @Provide
    Arbitrary<Exported> messages() {
        Arbitrary<List<String>> distinct =
                Arbitraries.frequencyOf(
                                Tuple.of(
                                        1,
                                        Arbitraries.integers()
                                                .between(
                                                        0,
                                                        2
                                                                * ConversationPlanner
                                                                        .MAX_ATTACHMENTS)), // around the limit
                                Tuple.of(2, Arbitraries.integers().between(0, 400)))
                        .flatMap(
                                n ->
                                        Combinators.combine(
                                                        Arbitraries.of("http", "https", "HTTPS"),
                                                        Arbitraries.of(
                                                                "files.example",
                                                                "cdn.example.com",
                                                                "127.0.0.1:9000"),
                                                        Arbitraries.strings()
                                                                .withCharRange('a', 'z')
                                                                .numeric()
                                                                .ofMinLength(1)
                                                                .ofMaxLength(8))
                                                .as(
                                                        (scheme, host, name) ->
                                                                scheme + "://" + host + "/" + name)
                                                .list()
                                                .ofSize(n)
                                                // an index makes them distinct; some repeat the
                                                // name in a query
                                                .map(
                                                        urls -> {
                                                            List<String> indexed =
                                                                    new ArrayList<>();
                                                            for (int i = 0; i < urls.size(); i++) {
                                                                indexed.add(
                                                                        urls.get(i)
                                                                                + (i % 2 == 0
                                                                                        ? "-" + i
                                                                                                + ".pdf"
                                                                                        : "?n="
                                                                                                + i));
                                                            }
                                                            return indexed;
                                                        }));
        Arbitrary<String> padding = Arbitraries.of("", "", " ", "\t", "  \n");
        return distinct.flatMap(
                urls -> {
                    Arbitrary<List<String>> withDuplicates =
                            urls.isEmpty()
                                    ? Arbitraries.just(List.of())
                                    : Combinators.combine(
                                                    Arbitraries.of(urls),
                                                    padding,
                                                    padding,
                                                    Arbitraries.integers().between(0, urls.size()))
                                            .as(
                                                    (url, before, after, position) ->
                                                            new Object[] {
                                                                before + url + after, position
                                                            })
                                            .list()
                                            .ofMaxSize(40)
                                            .map(
                                                    duplicates -> {
                                                        List<String> all = new ArrayList<>(urls);
                                                        for (Object[] duplicate : duplicates) {
                                                            all.add(
                                                                    Math.min(
                                                                            (Integer) duplicate[1],
                                                                            all.size()),
                                                                    (String) duplicate[0]);
                                                        }
                                                        return all;
                                                    });
                    Arbitrary<String> body =
                            urls.isEmpty()
                                    ? Arbitraries.of("See files", "<p>See <b>files</b></p>")
                                    : Arbitraries.of(
                                            "",
                                            " ",
                                            "See files",
                                            "<p>See <b>files</b></p>",
                                            "<p> </p>",
                                            "Links:\nhttps://files.example/a-0.pdf");
                    return Combinators.combine(withDuplicates, body).as(Exported::new);
                });
    }
}
