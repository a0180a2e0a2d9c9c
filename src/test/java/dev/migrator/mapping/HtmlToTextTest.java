package dev.migrator.mapping;

import static dev.migrator.mapping.HtmlToText.toPlainText;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HtmlToTextTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "AT&T",
                "a < b and c > d",
                "Hi Bob,\n\n  thanks, \"great\" & quick!",
                "List<String> is a generic type",
                "Reply to Ann <ann@example.org>",
                "I <3 this &amp; that",
                "日本語のテキスト",
            })
    void leavesTextWithoutMarkupAsWritten(String body) {
        assertThat(toPlainText(body)).isEqualTo(body);
    }

    @Test
    void plainTextLosesOnlyTrailingWhitespace() {
        assertThat(toPlainText("  indented\r\nline  \n\n")).isEqualTo("  indented\r\nline");
    }

    @Test
    void nullAndEmptyBodiesGiveEmptyText() {
        assertThat(toPlainText(null)).isEmpty();
        assertThat(toPlainText("")).isEmpty();
        assertThat(toPlainText("<p> </p><!-- nothing -->")).isEmpty();
    }

    @Test
    void separatesParagraphsDivsAndHeadingsByABlankLine() {
        assertThat(
                        toPlainText(
                                "<h1>Refund</h1><p>First   paragraph\n"
                                        + " wraps.</p><div>A div</div>text<hr>end"))
                .isEqualTo("Refund\n\nFirst paragraph wraps.\n\nA div\n\ntext\n\nend");
    }

    @Test
    void turnsLineBreaksIntoNewlines() {
        assertThat(toPlainText("<p>Kind regards,<br>Bob<br/>Acme</p>"))
                .isEqualTo("Kind regards,\nBob\nAcme");
        assertThat(toPlainText("one<br><br>two")).isEqualTo("one\n\ntwo");
    }

    @Test
    void collapsesRunsOfBlankLines() {
        assertThat(toPlainText("a<br><br><br><br><br>b<p></p><p></p><div><p>c</p></div>"))
                .isEqualTo("a\n\nb\n\nc");
    }

    @Test
    void writesBulletedAndNumberedListsWithNesting() {
        String html =
                "<p>Steps:</p><ol><li>Open settings</li><li>Pick a plan<ul><li>Pro</li><li>Team<ol"
                    + " start=\"7\"><li>seven</li><li>eight</li></ol></li></ul></li><li>Save</li></ol><p>Done.</p>";

        assertThat(toPlainText(html))
                .isEqualTo(
                        """
                        Steps:

                        1. Open settings
                        2. Pick a plan
                          - Pro
                          - Team
                            7. seven
                            8. eight
                        3. Save

                        Done.\
                        """);
    }

    /**
     * Issue 12: 64k nested lists took 11.6 s, the indentation alone growing with the square of the
     * depth. Deeper than ten levels, items keep the tenth level's indentation, so the text grows
     * with the number of items (docs/performance.md has the timings).
     */
    @Test
    void indentsListsNestedDeeperThanTenLevelsAsTheTenth() {
        int depth = 2_000;
        String html = "<ul><li>item".repeat(depth) + "</li></ul>".repeat(depth);

        List<String> lines = toPlainText(html).lines().toList();

        assertThat(lines).hasSize(depth);
        assertThat(lines.get(1)).isEqualTo("  - item");
        assertThat(lines.get(9)).isEqualTo(" ".repeat(18) + "- item");
        assertThat(lines.subList(9, depth)).containsOnly(" ".repeat(18) + "- item");
    }

    @Test
    void keepsAListItemsParagraphOnTheMarkerLine() {
        assertThat(toPlainText("<ul><li><p>loose</p></li><li><p>list</p></li></ul>"))
                .isEqualTo("- loose\n\n- list");
    }

    @Test
    void separatesTableCellsAndRows() {
        String html =
                "<table><tr><th>Plan</th><th>Price"
                        + " </th></tr><tr><td>Pro</td><td>$10</td></tr></table><p>x</p>";

        assertThat(toPlainText(html)).isEqualTo("Plan | Price\nPro | $10\n\nx");
    }

    @Test
    void keepsEveryLinkAddress() {
        String html =
                "<p>See <a href=\"https://help.acme.example/refunds\">the guide</a>, "
                        + "<a href=\"https://acme.example/\">https://acme.example/</a>, "
                        + "<a href=\"mailto:help@acme.example\">help@acme.example</a>, "
                        + "<a href=\"mailto:help@acme.example\">write to us</a> or "
                        + "<a href=\"https://acme.example/empty\"></a>.</p>";

        assertThat(toPlainText(html))
                .isEqualTo(
                        "See the guide (https://help.acme.example/refunds), https://acme.example/,"
                                + " help@acme.example, write to us (mailto:help@acme.example) or "
                                + "https://acme.example/empty.");
    }

    @Test
    void ignoresAnchorsWithoutAddress() {
        assertThat(toPlainText("<a name=\"top\">Top</a> of page")).isEqualTo("Top of page");
    }

    @Test
    void writesImagesAsTheirAddress() {
        String html =
                "<p>Screenshot: <img src=\"https://files.acme.example/s.png\" alt=\"error\"></p><a"
                        + " href=\"https://acme.example/\"><img"
                        + " src=\"https://files.acme.example/logo.png\"></a><p><img"
                        + " src=\"data:image/png;base64,iVBORw0KGgo=\"></p>";

        assertThat(toPlainText(html))
                .isEqualTo(
                        "Screenshot: [image: https://files.acme.example/s.png]\n\n"
                                + "[image: https://files.acme.example/logo.png]"
                                + " (https://acme.example/)\n\n"
                                + "[image]");
    }

    @Test
    void decodesEntitiesAndKeepsEscapedMarkupAsText() {
        assertThat(
                        toPlainText(
                                "<p>AT&amp;T &lt;script&gt;alert(1)&lt;/script&gt; &amp;nbsp;"
                                        + " &eacute;t&eacute; &#128512;</p>"))
                .isEqualTo("AT&T <script>alert(1)</script> &nbsp; été 😀");
    }

    @Test
    void keepsNonBreakingSpacesAsSpaces() {
        assertThat(toPlainText("<p>Price:&nbsp;&nbsp;10&nbsp;€</p>")).isEqualTo("Price:  10 €");
    }

    @Test
    void dropsScriptsStylesAndOtherNonProse() {
        String html =
                "<html><head><title>Mail</title><style>p { color: red"
                    + " }</style></head><body><script>var a ="
                    + " '<b>x</b>';</script><p>Visible</p><template><p>hidden</p></template>"
                    + "<textarea><b>raw</b></textarea><iframe><p>frame</p></iframe></body></html>";

        assertThat(toPlainText(html)).isEqualTo("Visible");
    }

    @Test
    void preservesWhitespaceInPre() {
        assertThat(
                        toPlainText(
                                "<p>Log:</p><pre>  at Foo.bar()\n"
                                        + "    at Baz.qux()</pre><p>Thanks</p>"))
                .isEqualTo("Log:\n\n  at Foo.bar()\n    at Baz.qux()\n\nThanks");
    }

    @Test
    void keepsNonLatinTextAndEmoji() {
        assertThat(toPlainText("<p>お問い合わせありがとうございます。</p><p>شكراً لك</p><div>Спасибо 🙏</div>"))
                .isEqualTo("お問い合わせありがとうございます。\n\nشكراً لك\n\nСпасибо 🙏");
    }

    @Test
    void joinsInlineElementsWithSingleSpaces() {
        assertThat(toPlainText("<p>  Hello <b>Ann</b> <i>and</i>\n\t<span>Bob</span>  </p>"))
                .isEqualTo("Hello Ann and Bob");
    }

    @Test
    void neverLetsMarkupThrough() {
        String[] bodies = {
            "<div><p>a<b>b</div>c</i>",
            "<p>unclosed <a href=\"https://x.example\">link",
            "<svg><![CDATA[<b>cdata</b>]]></svg><p>after</p>",
            "<xmp><i>x</i></xmp><noembed><b>y</b></noembed><p>z</p>",
            "<p>x</p><plaintext><b>everything after</b>",
            "<<p>>double<</p>>",
            "<p>a</p><!-- <b>commented</b> --><p>b</p>",
        };
        for (String body : bodies) {
            assertThat(toPlainText(body)).as(body).doesNotContainPattern("<[a-zA-Z/!]");
        }
    }
}
