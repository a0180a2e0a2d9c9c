package dev.migrator.mapping;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.parser.Tag;
import org.jsoup.select.NodeFilter;

/**
 * Turns a message body into the plain text Intercom expects (its API does not accept HTML). Bodies
 * without markup are kept as written, so "AT&T" or "a < b" survive untouched.
 */
public final class HtmlToText {

    /**
     * Something shaped like a tag ({@code <p>}, {@code </div>}, {@code <br/>}, {@code <a href=…>});
     * group 1 is its name.
     */
    private static final Pattern TAG = Pattern.compile("</?([a-zA-Z][a-zA-Z0-9]*)(\\s[^<>]*)?/?>");

    private static final Pattern COMMENT_OR_DOCTYPE =
            Pattern.compile("<!--|<!doctype", Pattern.CASE_INSENSITIVE);
    private static final Pattern WHITESPACE = Pattern.compile("[ \\t\\n\\r\\f]+");

    /**
     * Spaces before a line break. The look-behind lets a long run of spaces (deep list indentation)
     * be tried once, from its start, rather than from each of its spaces: linear, not quadratic.
     */
    private static final Pattern TRAILING_SPACES = Pattern.compile("(?<![ \\t])[ \\t]+\\n");

    /**
     * Lists nested deeper than this are indented as this level: the text stays readable, and its
     * size grows with the number of items, not with their square.
     */
    private static final int MAX_INDENTED_LEVEL = 10;

    private static final Pattern EXCESS_NEWLINES = Pattern.compile("\\n{3,}");

    /**
     * Content that is not prose, or that jsoup keeps as raw text (which may itself look like
     * markup).
     */
    private static final Set<String> SKIPPED =
            Set.of(
                    "script",
                    "style",
                    "template",
                    "title",
                    "textarea",
                    "xmp",
                    "iframe",
                    "noembed",
                    "noframes",
                    "plaintext",
                    "svg",
                    "math");

    /** Elements set apart from their neighbours by a blank line. */
    private static final Set<String> PARAGRAPHS =
            Set.of(
                    "p",
                    "div",
                    "h1",
                    "h2",
                    "h3",
                    "h4",
                    "h5",
                    "h6",
                    "blockquote",
                    "pre",
                    "ul",
                    "ol",
                    "dl",
                    "table",
                    "section",
                    "article",
                    "header",
                    "footer",
                    "aside",
                    "nav",
                    "main",
                    "figure",
                    "address",
                    "hr",
                    "form",
                    "fieldset",
                    "details");

    /** Elements that start on a line of their own. */
    private static final Set<String> LINES =
            Set.of("li", "tr", "dt", "dd", "caption", "figcaption", "summary");

    private HtmlToText() {}

    public static String toPlainText(String body) {
        if (body == null) {
            return "";
        }
        if (!isHtml(body)) {
            return body.stripTrailing();
        }
        Renderer renderer = new Renderer();
        Jsoup.parse(body).body().filter(renderer);
        String text = TRAILING_SPACES.matcher(renderer.out).replaceAll("\n");
        return EXCESS_NEWLINES.matcher(text).replaceAll("\n\n").strip();
    }

    /**
     * HTML when the body holds a tag HTML knows, a comment or a doctype. Tag-like text with other
     * names ({@code List<String>}, {@code <ann@example.org>}) stays plain text.
     */
    private static boolean isHtml(String body) {
        if (COMMENT_OR_DOCTYPE.matcher(body).find()) {
            return true;
        }
        Matcher tag = TAG.matcher(body);
        while (tag.find()) {
            if (Tag.isKnownTag(tag.group(1).toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** Walks the parsed document once, appending text and asking for line breaks between blocks. */
    private static final class Renderer implements NodeFilter {
        private final StringBuilder out = new StringBuilder();

        /** Newlines the next visible text must be preceded by (0, 1 or 2). */
        private int pendingBreaks;

        /**
         * Right after a list marker, so the item's own paragraphs do not push its text to the next
         * line.
         */
        private boolean afterMarker;

        private int preDepth;

        /** Per open list: the next number, or -1 for a bulleted list. */
        private final Deque<Integer> lists = new ArrayDeque<>();

        /** List items open around the current node: a list inside one is a nested list. */
        private int openItems;

        /** Per open link: where its text starts in {@link #out}. */
        private final Deque<Integer> links = new ArrayDeque<>();

        @Override
        public FilterResult head(Node node, int depth) {
            if (node instanceof TextNode text) {
                appendText(text.getWholeText());
                return FilterResult.CONTINUE;
            }
            if (!(node instanceof Element element)) {
                return FilterResult.CONTINUE; // comments, doctypes
            }
            String name = element.normalName();
            if (SKIPPED.contains(name)) {
                return FilterResult.SKIP_ENTIRELY;
            }
            breakBefore(name, element);
            switch (name) {
                case "br" -> {
                    out.append('\n');
                    pendingBreaks = 0;
                }
                case "pre" -> preDepth++;
                case "ul" -> lists.push(-1);
                case "ol" -> lists.push(startNumber(element));
                case "li" -> {
                    openItems++;
                    appendMarker();
                }
                case "td", "th" -> {
                    if (element.elementSiblingIndex() > 0) {
                        appendText(" | ");
                    }
                }
                case "a" -> links.push(out.length());
                case "img" -> appendImage(element);
                default -> {}
            }
            return FilterResult.CONTINUE;
        }

        @Override
        public FilterResult tail(Node node, int depth) {
            if (!(node instanceof Element element)) {
                return FilterResult.CONTINUE;
            }
            String name = element.normalName();
            switch (name) {
                case "pre" -> preDepth--;
                case "ul", "ol" -> lists.pop();
                case "li" -> openItems--;
                case "a" -> appendLinkTarget(element, links.pop());
                default -> {}
            }
            breakBefore(name, element); // the same separation after the element as before it
            return FilterResult.CONTINUE;
        }

        private void breakBefore(String name, Element element) {
            // A count, not a walk up the ancestors: each walk would cost the nesting depth.
            boolean nestedList = (name.equals("ul") || name.equals("ol")) && openItems > 0;
            if (PARAGRAPHS.contains(name) && !nestedList) {
                requestBreaks(2);
            } else if (LINES.contains(name) || nestedList) {
                requestBreaks(1);
            }
        }

        private void requestBreaks(int breaks) {
            if (!afterMarker) {
                pendingBreaks = Math.max(pendingBreaks, breaks);
            }
        }

        private void appendText(String raw) {
            String text = preDepth > 0 ? raw : WHITESPACE.matcher(raw).replaceAll(" ");
            if (preDepth == 0 && (pendingBreaks > 0 || atLineStart() || endsWith(' '))) {
                text = text.stripLeading();
            }
            if (text.isEmpty()) {
                return;
            }
            // A non-breaking space is spacing the author asked for: keep it, as an ordinary space.
            append(text.replace('\u00a0', ' '));
        }

        private void appendMarker() {
            int level = Math.min(Math.max(lists.size(), 1), MAX_INDENTED_LEVEL);
            String indent = "  ".repeat(level - 1);
            Integer next = lists.peek();
            if (next == null || next < 0) {
                append(indent + "- ");
            } else {
                append(indent + next + ". ");
                lists.pop();
                lists.push(next + 1);
            }
            afterMarker = true;
        }

        private void appendImage(Element img) {
            String src = img.attr("src").trim();
            if (src.startsWith("data:")) {
                append("[image]"); // an embedded image has no address a reader could follow
            } else if (!src.isEmpty()) {
                append("[image: " + src + "]");
            }
        }

        /**
         * Links keep their address: "text (url)", or just the url when the text says nothing more.
         */
        private void appendLinkTarget(Element link, int textStart) {
            String href = link.attr("href").trim();
            if (href.isEmpty()) {
                return;
            }
            String text = out.substring(textStart).strip();
            if (text.isEmpty()) {
                append(href);
            } else if (!text.equals(href) && !("mailto:" + text).equalsIgnoreCase(href)) {
                append(" (" + href + ")");
            }
        }

        private void append(String text) {
            if (!out.isEmpty()) {
                int missing = pendingBreaks - trailingNewlines();
                out.append("\n".repeat(Math.max(missing, 0)));
            }
            pendingBreaks = 0;
            afterMarker = false;
            out.append(text);
        }

        private static int startNumber(Element ol) {
            try {
                return Integer.parseInt(ol.attr("start").trim());
            } catch (NumberFormatException e) {
                return 1;
            }
        }

        private boolean atLineStart() {
            return out.isEmpty() || endsWith('\n');
        }

        private boolean endsWith(char c) {
            return !out.isEmpty() && out.charAt(out.length() - 1) == c;
        }

        private int trailingNewlines() {
            int count = 0;
            while (count < out.length() && out.charAt(out.length() - 1 - count) == '\n') {
                count++;
            }
            return count;
        }
    }
}
