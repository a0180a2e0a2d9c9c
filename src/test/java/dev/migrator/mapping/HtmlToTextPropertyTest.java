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
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.TextNode;

/**
 * The planner's body path (HTML to text, then tag neutralizing) never leaves anything an HTML
 * parser reads as markup, and never drops the address of a link (or of a linked image).
 */
class HtmlToTextPropertyTest {

    private static final String ATTACHMENT = "https://files.example/attachment";
    private final ConversationPlanner planner =
            new ConversationPlanner(
                    ZoneId.of("Europe/Paris"),
                    Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC));

    /**
     * A piece of generated HTML with the link and image addresses it holds, as a browser reads
     * them.
     */
    record Fragment(String html, List<String> hrefs, List<String> imageSources) {
        static Fragment text(String html) {
            return new Fragment(html, List.of(), List.of());
        }

        static Fragment concat(List<Fragment> parts) {
            return new Fragment(
                    parts.stream().map(Fragment::html).reduce("", String::concat),
                    parts.stream().flatMap(p -> p.hrefs().stream()).toList(),
                    parts.stream().flatMap(p -> p.imageSources().stream()).toList());
        }

        Fragment wrap(String open, String close) {
            return new Fragment(open + html + close, hrefs, imageSources);
        }

        @Override
        public String toString() {
            return html;
        }
    }

    /** Edge cases of a recursive grammar add little but time. */
    @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
    void neverLeavesATagAndNeverDropsALinkAddress(@ForAll("bodies") Fragment body) {
        String text = plannedBody(body.html());

        Element parsed = Jsoup.parseBodyFragment(text).body();
        assertThat(parsed.childNodes())
                .as("parsed as HTML: %s", text)
                .allMatch(node -> node instanceof TextNode);
        for (String href : body.hrefs()) {
            assertThat(text).as("link address").contains(href);
        }
        for (String src : body.imageSources()) {
            assertThat(text).as("image address").contains(src);
        }
    }

    /**
     * As {@code plan()} builds a part's body; the attachment keeps an empty text from being a
     * reject.
     */
    private String plannedBody(String html) {
        SourceConversation conversation =
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
                                        html,
                                        "2021-01-01T00:00:00Z",
                                        List.of(SourceAttachment.ofUrl(ATTACHMENT)),
                                        false)));
        return planner.plan(conversation).opening().body();
    }

    @Provide
    Arbitrary<Fragment> bodies() {
        return flow(2).list().ofMaxSize(4).map(Fragment::concat);
    }

    /** Block or inline content. */
    private Arbitrary<Fragment> flow(int depth) {
        if (depth == 0) {
            return inline(0, true);
        }
        Arbitrary<Fragment> children = flow(depth - 1).list().ofMaxSize(3).map(Fragment::concat);
        Arbitrary<Fragment> items =
                children.map(c -> c.wrap("<li>", "</li>"))
                        .list()
                        .ofMaxSize(4)
                        .map(Fragment::concat);
        Arbitrary<Fragment> cells =
                children.map(c -> c.wrap("<td>", "</td>"))
                        .list()
                        .ofMaxSize(3)
                        .map(Fragment::concat);
        Arbitrary<Fragment> rows =
                cells.map(c -> c.wrap("<tr>", "</tr>")).list().ofMaxSize(3).map(Fragment::concat);
        return Arbitraries.frequencyOf(
                Tuple.of(4, inline(depth, true)),
                Tuple.of(
                        2,
                        inline(depth - 1, true)
                                .list()
                                .ofMaxSize(4)
                                .map(Fragment::concat)
                                .map(c -> c.wrap("<p>", "</p>"))),
                Tuple.of(2, children.map(c -> c.wrap("<div>", "</div>"))),
                Tuple.of(1, items.map(c -> c.wrap("<ul>", "</ul>"))),
                Tuple.of(1, items.map(c -> c.wrap("<ol>", "</ol>"))),
                Tuple.of(1, rows.map(c -> c.wrap("<table>", "</table>"))));
    }

    /**
     * Phrasing content; links only where {@code links} (an anchor inside an anchor is not HTML).
     */
    private Arbitrary<Fragment> inline(int depth, boolean links) {
        List<Tuple.Tuple2<Integer, Arbitrary<? extends Fragment>>> choices =
                new ArrayList<>(
                        List.of(
                                Tuple.of(6, texts()),
                                Tuple.of(3, entities()),
                                Tuple.of(
                                        1,
                                        Arbitraries.of("<br>", "<br/>", "<br />")
                                                .map(Fragment::text)),
                                Tuple.of(1, images())));
        if (depth > 0) {
            Arbitrary<Fragment> children =
                    inline(depth - 1, links).list().ofMaxSize(3).map(Fragment::concat);
            choices.add(
                    Tuple.of(
                            2,
                            Combinators.combine(
                                            Arbitraries.of("b", "i", "span", "strong", "em"),
                                            children)
                                    .as((tag, c) -> c.wrap("<" + tag + ">", "</" + tag + ">"))));
        }
        if (links) {
            choices.add(Tuple.of(3, anchors(Math.max(depth - 1, 0))));
        }
        return Arbitraries.frequencyOf(choices.toArray(Tuple.Tuple2[]::new));
    }

    private Arbitrary<Fragment> anchors(int depth) {
        Arbitrary<Fragment> linkText =
                Arbitraries.oneOf(
                        inline(depth, false).list().ofMaxSize(3).map(Fragment::concat),
                        Arbitraries.just(Fragment.text("")));
        return Combinators.combine(
                        urls(),
                        Arbitraries.of(true, false),
                        linkText,
                        Arbitraries.of(true, false),
                        Arbitraries.of("", "", " ", "\n"))
                .as(
                        (url, escapeAmpersands, text, urlAsText, padding) -> {
                            String attribute =
                                    padding
                                            + (escapeAmpersands ? url.replace("&", "&amp;") : url)
                                            + padding;
                            Fragment content =
                                    urlAsText ? Fragment.text(url.replace("&", "&amp;")) : text;
                            return new Fragment(
                                    "<a href=\"" + attribute + "\">" + content.html() + "</a>",
                                    Stream.concat(Stream.of(url), content.hrefs().stream())
                                            .toList(),
                                    content.imageSources());
                        });
    }

    private Arbitrary<Fragment> images() {
        return Arbitraries.oneOf(
                urls().map(
                                url ->
                                        new Fragment(
                                                "<img src=\""
                                                        + url.replace("&", "&amp;")
                                                        + "\" alt=\"pic\">",
                                                List.of(),
                                                List.of(url))),
                Arbitraries.of(
                                "<img src=\"data:image/png;base64,iVBORw0KGgo=\">",
                                "<img>",
                                "<img alt=\"x\"/>")
                        .map(Fragment::text));
    }

    /**
     * Text as exports write it, raw '<' and '&' included (never '<' straight before a letter, '!',
     * '?' or '/').
     */
    private Arbitrary<Fragment> texts() {
        return Arbitraries.of(
                        "Hello",
                        "Ann",
                        " ",
                        "\n",
                        "  \t",
                        "a < b",
                        "1<2",
                        "<3",
                        "x >y",
                        "AT&T",
                        "Tom & Jerry",
                        "&",
                        "fish&chips",
                        "&notit",
                        "caf\u00e9",
                        "\u65e5\u672c",
                        "\ud83d\ude00",
                        "see:",
                        "(",
                        ")",
                        "[",
                        "]",
                        "List<String>",
                        "https://plain.example/text",
                        "mailto")
                .map(Fragment::text);
    }

    private Arbitrary<Fragment> entities() {
        return Arbitraries.of(
                        "&amp;",
                        "&lt;",
                        "&gt;",
                        "&nbsp;",
                        "&quot;",
                        "&#39;",
                        "&copy;",
                        "&#x3C;",
                        "&#60;",
                        "&lt;b&gt;bold&lt;/b&gt;",
                        "&lt;script&gt;alert(1)&lt;/script&gt;",
                        "&lt;!-- x --&gt;",
                        "&lt;which plan?&gt;",
                        "&amp;lt;p&amp;gt;",
                        "&lt;a href=&quot;https://evil.example&quot;&gt;x&lt;/a&gt;",
                        "&lt;/div&gt;",
                        "&lt;?xml?&gt;",
                        "&lt;!DOCTYPE html&gt;")
                .map(Fragment::text);
    }

    /**
     * http(s) addresses (any case of scheme) with paths, queries (ampersands included) and
     * fragments.
     */
    private Arbitrary<String> urls() {
        Arbitrary<String> scheme = Arbitraries.of("http", "https", "HTTPS");
        Arbitrary<String> host =
                Arbitraries.of(
                        "example.com",
                        "files.example",
                        "x.io",
                        "sub.domain.example.org",
                        "localhost:8080",
                        "127.0.0.1");
        Arbitrary<String> segment =
                Arbitraries.strings()
                        .withChars("abcXYZ019-_.~")
                        .ofMinLength(1)
                        .ofMaxLength(6)
                        .injectDuplicates(0.1);
        Arbitrary<String> path =
                segment.list().ofMaxSize(3).map(s -> s.isEmpty() ? "" : "/" + String.join("/", s));
        Arbitrary<String> query =
                Combinators.combine(
                                Arbitraries.of(
                                        "a", "id", "page", "copy", "not", "lang", "lt", "amp"),
                                Arbitraries.strings().alpha().numeric().ofMaxLength(4))
                        .as((k, v) -> k + "=" + v)
                        .list()
                        .ofMaxSize(3)
                        .map(pairs -> pairs.isEmpty() ? "" : "?" + String.join("&", pairs));
        Arbitrary<String> fragment = Arbitraries.of("", "", "#top", "#x-1");
        return Combinators.combine(scheme, host, path, query, fragment)
                .as((s, h, p, q, f) -> s + "://" + h + p + q + f);
    }
}
