package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.testserver.FakeIntercom;
import dev.migrator.testserver.FakeIntercom.Conversation;
import dev.migrator.testserver.FakeIntercom.Part;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Malformed exports (issue 7): each file of {@code src/test/resources/corpus/} (or generated into a
 * temporary directory when it would be big) mixes good and bad records and is migrated by the real
 * application into a fake Intercom. For each: the contract's exit code, exactly one reject per bad
 * record with its file, line, source id and a reason a person understands, every good record
 * migrated exactly once, nothing unsafe sent, and no stack trace.
 *
 * <p>Every good record of the corpus has its id as its subject, which is how it is found in the
 * fake. Adding a case is one line in {@link #cases()}.
 */
class MalformedInputCorpusTest {

    private static final Path CORPUS = Path.of("src/test/resources/corpus");
    private static final String JSON = "conversations";
    private static final String CSV = "conversations-csv";

    /** No --format: the format is detected from the content. */
    private static final String DETECT = null;

    /**
     * What an HTML parser reads as the start of a tag, a comment or a declaration ("a < b" is
     * none).
     */
    private static final Pattern HTML_TAG = Pattern.compile("<[a-zA-Z/!?]");

    private static final Pattern STACK_FRAME =
            Pattern.compile("(?m)^\\s+at [\\w$.]+\\(|Exception\\b|\\bCaused by:");
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /**
     * A reject expected in rejects.jsonl: its line, source id ({@code null} when none could be
     * read) and part of its reason.
     */
    record Reject(long line, String sourceId, String reason) {
        @Override
        public String toString() {
            return line + ":" + sourceId;
        }
    }

    /** A check of the fake workspace beyond the common ones, and of the console output. */
    interface Check extends BiConsumer<FakeIntercom, MigratorProcess.Result> {}

    /**
     * One corpus file. {@code file} is under {@code src/test/resources/corpus/}, or {@code
     * generated/NAME} for one {@link #generate} writes; {@code message} is a part of the console
     * output expected (for exit code 2, the reason the input is unusable), or {@code null}.
     */
    record Case(
            String name,
            String file,
            String format,
            int exitCode,
            List<String> migrated,
            List<Reject> rejects,
            String message,
            Check check) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // ------------------------------------------------------------ JSON Lines
                c(
                        "JSONL truncated last line",
                        "jsonl/truncated-last-line.jsonl",
                        JSON,
                        3,
                        ids("trunc-ok-1", "trunc-ok-2"),
                        r(3, null, "invalid JSON: Unexpected end-of-input")),
                c(
                        "JSONL invalid JSON mid-file: the rest is still read",
                        "jsonl/invalid-json-mid-file.jsonl",
                        JSON,
                        3,
                        ids("mid-ok-1", "mid-ok-3"),
                        r(2, null, "invalid JSON: Unrecognized token 'oops'")),
                // Each line is decoded strictly: a line that is not UTF-8 is rejected on its own,
                // never sent with U+FFFD.
                c(
                        "JSONL invalid UTF-8 bytes",
                        "jsonl/invalid-utf8.jsonl",
                        JSON,
                        3,
                        ids("utf8-ok-1", "utf8-ok-3"),
                        r(2, null, "line 2 is not UTF-8 text")),
                c("JSONL UTF-8 BOM", "jsonl/bom.jsonl", JSON, 0, ids("bom-ok-1", "bom-ok-2")),
                c(
                        "JSONL CRLF line endings and a blank line",
                        "jsonl/crlf.jsonl",
                        JSON,
                        3,
                        ids("crlf-ok-1", "crlf-ok-4"),
                        r(2, "crlf-no-author", "message m1 has no author type (contact or agent)")),
                c(
                        "JSONL contact missing / without email and external id",
                        "jsonl/contacts.jsonl",
                        JSON,
                        3,
                        ids("contact-ok-1", "contact-extid-only"),
                        r(2, "contact-missing", "conversation contact-missing has no contact"),
                        r(
                                3,
                                "contact-anonymous",
                                "the contact has neither an email nor an external_id"),
                        r(
                                4,
                                "contact-null",
                                "the contact has neither an email nor an external_id")),
                c(
                        "JSONL missing / empty / whitespace-only / empty-HTML bodies",
                        "jsonl/bodies.jsonl",
                        JSON,
                        3,
                        ids("body-ok-1", "body-attachment-only", "body-script", "body-text-angles"),
                        r(2, "body-missing", "message m1 has an empty body and no attachments"),
                        r(3, "body-empty", "message m1 has an empty body and no attachments"),
                        r(4, "body-blank", "message m1 has an empty body and no attachments"),
                        r(5, "body-empty-html", "message m1 has an empty body and no attachments")),
                c(
                        "JSONL 2 MB body (generated)",
                        "generated/big-body.jsonl",
                        JSON,
                        3,
                        ids("big-ok-1", "big-ok-3"),
                        List.of(
                                r(
                                        2,
                                        "big-no-contact",
                                        "conversation big-no-contact has no contact")),
                        null,
                        (intercom, result) ->
                                assertThat(only(intercom, "big-ok-1").body())
                                        .hasSize(BIG_BODY.length())
                                        .isEqualTo(BIG_BODY)),
                c(
                        "JSONL missing / unparseable / future / pre-1970 timestamps",
                        "jsonl/timestamps.jsonl",
                        JSON,
                        3,
                        ids("ts-ok-1", "ts-epoch-seconds", "ts-epoch-millis"),
                        r(2, "ts-missing", "message m1 has no created_at"),
                        r(
                                3,
                                "ts-garbage",
                                "'last Tuesday' is not a timestamp (expected ISO-8601 or epoch"
                                        + " seconds/milliseconds)"),
                        r(4, "ts-future", "created_at '2099-01-01T00:00:00Z' is in the future"),
                        r(5, "ts-pre-1970", "created_at '1969-12-31T23:59:59Z' is before 1970"),
                        r(8, "ts-negative-epoch", "created_at '-5' is before 1970"),
                        r(9, "ts-feb-30", "'2021-02-30T10:00:00Z' is not a timestamp")),
                c(
                        "JSONL out-of-order messages: sorted, with a warning",
                        "jsonl/out-of-order.jsonl",
                        JSON,
                        0,
                        ids("order-ok-1"),
                        List.of(),
                        "1 warnings",
                        (intercom, result) -> {
                            Conversation conversation = only(intercom, "order-ok-1");
                            assertThat(conversation.body()).isEqualTo("first");
                            assertThat(conversation.parts())
                                    .extracting(Part::body)
                                    .containsExactly("second", "third", null);
                            assertThat(conversation.parts().get(0).createdAt())
                                    .isBefore(conversation.parts().get(1).createdAt());
                        }),
                // Duplicate conversation ids within one file (lines 1/3 and 5/6): the later record
                // is counted "already
                // migrated", with neither a reject nor a warning. Line 3 (same message id m1, other
                // text) is dropped.
                // Line 3 repeats dup-conv with the same contact and message id: already sent,
                // nothing more to send.
                // Line 6 is another customer's record under dup-merge: rejected, never appended to
                // Ann's conversation.
                c(
                        "JSONL duplicate conversation ids and duplicate message ids",
                        "jsonl/duplicates.jsonl",
                        JSON,
                        3,
                        ids("dup-conv", "dup-ok-4", "dup-merge"),
                        List.of(
                                r(
                                        2,
                                        "dup-msg",
                                        "conversation dup-msg: message id m1 appears more than"
                                                + " once"),
                                r(
                                        6,
                                        "dup-merge",
                                        "conversation dup-merge is already in Intercom with another"
                                                + " contact")),
                        "1 already migrated",
                        (intercom, result) -> {
                            Conversation first = only(intercom, "dup-conv");
                            assertThat(first.body()).isEqualTo("first copy");
                            assertThat(first.parts())
                                    .extracting(Part::partType)
                                    .containsExactly("close");
                            Conversation merged = only(intercom, "dup-merge");
                            String ann =
                                    intercom.contacts().stream()
                                            .filter(
                                                    c ->
                                                            "ann.merge@corpus.example"
                                                                    .equals(c.email()))
                                            .findFirst()
                                            .orElseThrow()
                                            .id();
                            assertThat(merged.contactId()).isEqualTo(ann);
                            assertThat(merged.parts())
                                    .extracting(Part::partType)
                                    .containsExactly("close");
                            assertThat(intercom.contacts())
                                    .extracting(FakeIntercom.Contact::email)
                                    .doesNotContain("zed.merge@corpus.example");
                        }),
                c(
                        "JSONL 300 attachments (generated): none lost",
                        "generated/many-attachments.jsonl",
                        JSON,
                        3,
                        ids("many-att-ok-1"),
                        List.of(
                                r(
                                        2,
                                        "many-att-bad",
                                        "attachment 'javascript:alert(1)' is not an http(s) URL")),
                        null,
                        (intercom, result) -> {
                            Conversation conversation = only(intercom, "many-att-ok-1");
                            List<String> urls = attachmentUrls(300);
                            assertThat(conversation.attachments())
                                    .containsExactlyElementsOf(urls.subList(0, 10));
                            assertThat(conversation.body())
                                    .as("the other 290 listed in the body")
                                    .isEqualTo(
                                            "Three hundred files\n\nMore attachments:\n"
                                                    + String.join("\n", urls.subList(10, 300)));
                        }),
                c(
                        "JSONL attachments that are not http(s), javascript: included",
                        "jsonl/attachments.jsonl",
                        JSON,
                        3,
                        ids("att-ok-1"),
                        List.of(
                                r(
                                        2,
                                        "att-javascript",
                                        "attachment 'javascript:alert(1)' is not an http(s) URL"),
                                r(
                                        3,
                                        "att-file",
                                        "attachment 'file:///etc/passwd' is not an http(s) URL"),
                                r(
                                        4,
                                        "att-data",
                                        "attachment 'data:text/html,<script>alert(1)</script>' is"
                                                + " not an http(s) URL"),
                                r(
                                        5,
                                        "att-relative",
                                        "attachment '/uploads/a.png' is not an http(s) URL"),
                                r(
                                        6,
                                        "att-ftp",
                                        "attachment 'ftp://files.example/a.png' is not an http(s)"
                                                + " URL"),
                                r(
                                        7,
                                        "att-mixed",
                                        "attachment 'JavaScript:alert(document.cookie)' is not an"
                                                + " http(s) URL")),
                        null,
                        (intercom, result) ->
                                assertThat(only(intercom, "att-ok-1").attachments())
                                        .as("duplicates dropped")
                                        .containsExactly(
                                                "https://files.example/a.png",
                                                "HTTP://files.example/b.png")),
                c(
                        "JSONL wrong JSON types",
                        "jsonl/wrong-types.jsonl",
                        JSON,
                        3,
                        ids("type-ok-1", "type-ok-9"),
                        r(
                                2,
                                "type-messages-string",
                                "field 'messages' must be an array, not a string"),
                        r(3, "type-tags-number", "field 'tags' must hold strings, not a number"),
                        r(
                                4,
                                "type-internal-string",
                                "field 'messages[0].internal' must be true or false, not a string"),
                        r(
                                5,
                                "type-contact-string",
                                "field 'contact' must be an object, not a string"),
                        r(6, null, "expected a JSON object for the conversation, found an array"),
                        r(7, null, "expected a JSON object for the conversation, found a string"),
                        r(
                                8,
                                "type-body-object",
                                "field 'messages[0].body' must be a string or a number, not an"
                                        + " object"),
                        r(
                                10,
                                "type-attachment-number",
                                "field 'messages[0].attachments[1]' must be a URL string or an"
                                        + " object, not a number"),
                        r(
                                11,
                                "type-attachment-no-url",
                                "field 'messages[0].attachments[0]' has no url")),
                c(
                        "JSONL a line of binary garbage",
                        "jsonl/binary-garbage-lines.jsonl",
                        JSON,
                        3,
                        ids("garbage-ok-1", "garbage-ok-3"),
                        r(2, null, "line 2 is not UTF-8 text")),
                c(
                        "binary garbage read as JSON (generated)",
                        "generated/garbage.bin",
                        JSON,
                        3,
                        ids(),
                        r(1, null, "not UTF-8 text")),
                c(
                        "binary garbage read as CSV (generated)",
                        "generated/garbage.bin",
                        CSV,
                        2,
                        ids(),
                        List.of(),
                        "is not UTF-8 text; the canonical CSV is UTF-8",
                        null),
                c(
                        "binary garbage, format not given (generated)",
                        "generated/garbage.bin",
                        DETECT,
                        2,
                        ids(),
                        List.of(),
                        "cannot tell its format from its content; give --format",
                        null),
                // An empty JSON file is a run of nothing (exit 0), while an empty CSV is unusable
                // (exit 2): see the report.
                c(
                        "JSONL empty file",
                        "jsonl/empty.jsonl",
                        JSON,
                        0,
                        ids(),
                        List.of(),
                        "0 records read",
                        null),
                c(
                        "JSONL empty file, format not given",
                        "jsonl/empty.jsonl",
                        DETECT,
                        2,
                        ids(),
                        List.of(),
                        "cannot tell its format from its content; give --format",
                        null),
                c(
                        "JSONL blank lines only",
                        "jsonl/blank-lines-only.jsonl",
                        JSON,
                        0,
                        ids(),
                        List.of(),
                        "0 records read",
                        null),
                // ------------------------------------------------------------ JSON array
                c(
                        "JSON array, invalid JSON mid-array: rejected, the rest of the file lost",
                        "json/invalid-json-mid-array.json",
                        JSON,
                        3,
                        ids("arr-ok-1"),
                        r(3, null, "invalid JSON (Unexpected character (','")),
                // The reason carries Jackson's location noise: "start marker at [Source: REDACTED
                // (`StreamReadFeature…`".
                c(
                        "JSON array truncated",
                        "json/truncated.json",
                        JSON,
                        3,
                        ids("arrt-ok-1"),
                        r(3, null, "invalid JSON (Unexpected end-of-input")),
                c(
                        "JSON array with invalid UTF-8 bytes: the rest of the file lost",
                        "json/invalid-utf8.json",
                        JSON,
                        3,
                        ids("arru-ok-1"),
                        r(
                                3,
                                null,
                                "invalid JSON (Invalid UTF-8 start byte 0xff); the rest of the file"
                                        + " after this point cannot be read")),
                c(
                        "JSON array with a BOM and CRLF line endings",
                        "json/bom-crlf.json",
                        DETECT,
                        3,
                        ids("arrb-ok-1", "arrb-ok-3"),
                        r(3, "arrb-no-contact", "conversation arrb-no-contact has no contact")),
                c(
                        "JSON array pretty-printed: the line a record starts on",
                        "json/pretty.json",
                        JSON,
                        3,
                        ids("pretty-ok-1", "pretty-ok-3"),
                        r(
                                35,
                                "pretty-bad-author",
                                "author type 'customer' is neither contact nor agent")),
                c(
                        "JSON empty array",
                        "json/empty-array.json",
                        JSON,
                        0,
                        ids(),
                        List.of(),
                        "0 records read",
                        null),
                // ------------------------------------------------------------ canonical CSV
                c("CSV UTF-8 BOM", "csv/bom.csv", DETECT, 0, ids("cbom-ok-1", "cbom-ok-2")),
                c(
                        "CSV CRLF line endings with a quoted multi-line body",
                        "csv/crlf.csv",
                        CSV,
                        3,
                        ids("ccrlf-ok-1", "ccrlf-ok-3"),
                        List.of(
                                r(
                                        4,
                                        "ccrlf-no-author",
                                        "message m1 has no author type (contact or agent)")),
                        null,
                        (intercom, result) ->
                                assertThat(only(intercom, "ccrlf-ok-1").body())
                                        .isEqualTo("Line one\r\nline two")),
                // Commons CSV cannot read on after an unbalanced quote: the conversation read
                // before it still migrates,
                // and the reject names the line the broken row starts on.
                c(
                        "CSV unbalanced quote mid-file",
                        "csv/unbalanced-quote.csv",
                        CSV,
                        3,
                        ids("cq-ok-1"),
                        r(
                                4,
                                null,
                                "malformed CSV from this line on (Invalid character between"
                                        + " encapsulated token and delimiter")),
                c(
                        "CSV unbalanced quote on the last row",
                        "csv/unbalanced-quote-last-row.csv",
                        CSV,
                        3,
                        ids("cql-ok-1", "cql-ok-2"),
                        r(
                                6,
                                null,
                                "EOF reached before encapsulated token finished); the rest of the"
                                        + " file cannot be read")),
                c(
                        "CSV rows with extra and missing fields",
                        "csv/field-count.csv",
                        CSV,
                        3,
                        ids("cf-ok-1", "cf-ok-4"),
                        r(4, "cf-extra", "line 4 has 18 fields but the header has 17"),
                        r(5, "cf-short", "line 5 has 15 fields but the header has 17")),
                c(
                        "CSV reordered columns, optional ones absent",
                        "csv/reordered-columns.csv",
                        DETECT,
                        3,
                        ids("cr-ok-1", "cr-ok-4"),
                        r(
                                4,
                                "cr-no-contact",
                                "conversation cr-no-contact: the contact has neither an email nor"
                                        + " an external_id")),
                c(
                        "CSV contact, attachment, body, time problems and scattered rows",
                        "csv/rows-problems.csv",
                        CSV,
                        3,
                        ids("crp-ok-1", "crp-ok-6"),
                        r(
                                4,
                                "crp-split",
                                "the rows of conversation crp-split are not contiguous: they are in"
                                        + " 2 places, starting at lines 4, 11"),
                        r(
                                5,
                                "crp-no-contact",
                                "the contact has neither an email nor an external_id"),
                        r(6, "crp-js", "attachment 'javascript:alert(1)' is not an http(s) URL"),
                        r(7, "crp-blank", "message m1 has an empty body and no attachments"),
                        r(8, "crp-future", "created_at '2099-01-01T00:00:00Z' is in the future"),
                        r(
                                11,
                                "crp-split",
                                "the rows of conversation crp-split are not contiguous")),
                c(
                        "CSV without a required column",
                        "csv/missing-required-column.csv",
                        CSV,
                        2,
                        ids(),
                        List.of(),
                        "missing-required-column.csv: the CSV header lacks the column(s) body",
                        null),
                // Unusable, as it should be; but unlike a mapped CSV's, the canonical message gives
                // no hint that the file
                // looks ';'-separated (see the report).
                c(
                        "CSV semicolon-separated, read as canonical CSV",
                        "csv/semicolon.csv",
                        CSV,
                        2,
                        ids(),
                        List.of(),
                        "the CSV header lacks the column(s) conversation_id, author_type,"
                                + " created_at, body",
                        null),
                c(
                        "CSV with invalid UTF-8 bytes",
                        "csv/invalid-utf8.csv",
                        CSV,
                        2,
                        ids(),
                        List.of(),
                        "invalid-utf8.csv: line 4 is not UTF-8 text",
                        null),
                c(
                        "CSV empty file",
                        "csv/empty.csv",
                        CSV,
                        2,
                        ids(),
                        List.of(),
                        "the file is empty: a CSV export starts with its header row",
                        null),
                c(
                        "CSV header only",
                        "csv/header-only.csv",
                        CSV,
                        0,
                        ids(),
                        List.of(),
                        "0 records read",
                        null));
    }

    @TempDir Path workDir;

    private FakeIntercom intercom;

    @BeforeEach
    void startIntercom() {
        intercom = FakeIntercom.start();
        Agents.addTo(intercom);
    }

    @AfterEach
    void stopIntercom() {
        intercom.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void migratesEveryGoodRecordAndRejectsEachBadOneOnce(Case testCase) throws Exception {
        Path input =
                testCase.file().startsWith("generated/")
                        ? generate(testCase.file().substring("generated/".length()))
                        : CORPUS.resolve(testCase.file());
        MigratorProcess migrator =
                new MigratorProcess(workDir, intercom.baseUrl(), FakeIntercom.TOKEN, "");
        List<String> args = new ArrayList<>(List.of("migrate", "--input", input.toString()));
        if (testCase.format() != null) {
            args.addAll(List.of("--format", testCase.format()));
        }

        MigratorProcess.Result result = migrator.run(args.toArray(String[]::new));

        assertThat(result.exitCode()).as(result.all()).isEqualTo(testCase.exitCode());
        assertThat(result.all()).as("no stack trace").doesNotContainPattern(STACK_FRAME);
        if (testCase.message() != null) {
            assertThat(result.all()).contains(testCase.message());
        }

        Path rejectsFile = migrator.runDir(1).resolve("rejects.jsonl");
        List<JsonNode> rejects =
                Files.exists(rejectsFile)
                        ? Files.readAllLines(rejectsFile).stream()
                                .filter(l -> !l.isBlank())
                                .map(MAPPER::readTree)
                                .sorted(Comparator.comparingLong(n -> n.path("line").asLong()))
                                .toList()
                        : List.of();
        assertThat(rejects)
                .as("one reject per bad record, in %s", rejectsFile)
                .hasSameSizeAs(testCase.rejects());
        for (int i = 0; i < rejects.size(); i++) {
            JsonNode reject = rejects.get(i);
            Reject expected = testCase.rejects().get(i);
            assertThat(reject.path("file").asString())
                    .as("file of %s", expected)
                    .endsWith(input.getFileName().toString());
            assertThat(reject.path("line").asLong())
                    .as("line of %s", expected)
                    .isEqualTo(expected.line());
            JsonNode sourceId = reject.path("source_id");
            assertThat(sourceId.isNull() || sourceId.isMissingNode() ? null : sourceId.asString())
                    .as("source_id of %s", expected)
                    .isEqualTo(expected.sourceId());
            assertThat(reject.path("reason").asString())
                    .as("reason of %s", expected)
                    .contains(expected.reason());
            assertThat(reject.has("record")).as("record of %s", expected).isTrue();
        }

        assertThat(intercom.conversations())
                .extracting(Conversation::subject)
                .as("conversations migrated")
                .containsExactlyInAnyOrderElementsOf(testCase.migrated());
        assertThat(intercom.notifications()).as("customer notifications").isZero();
        for (Conversation conversation : intercom.conversations()) {
            assertSafe(
                    conversation.subject() + " opening",
                    conversation.body(),
                    conversation.attachments());
            for (Part part : conversation.parts()) {
                assertSafe(
                        conversation.subject() + " part " + part.id(),
                        part.body(),
                        part.attachments());
            }
        }
        if (testCase.check() != null) {
            testCase.check().accept(intercom, result);
        }
    }

    /** What a customer could see: no attachment that is not http(s), no HTML tag in a body. */
    private static void assertSafe(String label, String body, List<String> attachments) {
        if (body != null) {
            assertThat(body).as(label + " body").doesNotContainPattern(HTML_TAG);
        }
        for (String url : attachments) {
            URI uri = URI.create(url);
            assertThat(uri.getScheme()).as(label + " attachment " + url).isNotNull();
            assertThat(uri.getScheme().toLowerCase(Locale.ROOT))
                    .as(label + " attachment " + url)
                    .isIn("http", "https");
            assertThat(uri.getHost()).as(label + " attachment " + url).isNotNull();
        }
    }

    // ------------------------------------------------------------------ generated inputs

    private static final String BIG_BODY = bigBody();

    private static String bigBody() {
        StringBuilder body = new StringBuilder(2_100_000);
        for (int line = 0; body.length() < 2 * 1024 * 1024; line++) {
            body.append("Line ")
                    .append(line)
                    .append(": the quick brown fox jumps over the lazy dog, again and again.\n");
        }
        return body.toString().strip();
    }

    private static List<String> attachmentUrls(int count) {
        return IntStream.rangeClosed(1, count)
                .mapToObj(i -> "https://files.example/many/" + i + ".png")
                .toList();
    }

    private Path generate(String name) throws IOException {
        Path file = workDir.resolve(name);
        switch (name) {
            case "big-body.jsonl" ->
                    Files.writeString(
                            file,
                            String.join(
                                            "\n",
                                            record(
                                                    "big-ok-1",
                                                    "\"contact\":{\"email\":\"big-ok-1@corpus.example\"}",
                                                    quoted(BIG_BODY),
                                                    ""),
                                            record(
                                                    "big-no-contact",
                                                    "\"name\":\"x\"",
                                                    quoted(BIG_BODY),
                                                    ""),
                                            record(
                                                    "big-ok-3",
                                                    "\"contact\":{\"email\":\"big-ok-3@corpus.example\"}",
                                                    "\"Small\"",
                                                    ""))
                                    + "\n");
            case "many-attachments.jsonl" -> {
                List<String> bad = new ArrayList<>(attachmentUrls(300));
                bad.set(150, "javascript:alert(1)");
                Files.writeString(
                        file,
                        String.join(
                                        "\n",
                                        record(
                                                "many-att-ok-1",
                                                "\"contact\":{\"email\":\"many@corpus.example\"}",
                                                "\"Three hundred files\"",
                                                ",\"attachments\":"
                                                        + MAPPER.writeValueAsString(
                                                                attachmentUrls(300))),
                                        record(
                                                "many-att-bad",
                                                "\"contact\":{\"email\":\"many@corpus.example\"}",
                                                "\"Bad files\"",
                                                ",\"attachments\":"
                                                        + MAPPER.writeValueAsString(bad)))
                                + "\n");
            }
            case "garbage.bin" -> {
                // Random bytes on a single line (no CR or LF), not starting like JSON: one record,
                // one reject.
                byte[] bytes = new byte[8192];
                new Random(7).nextBytes(bytes);
                for (int i = 0; i < bytes.length; i++) {
                    if (bytes[i] == '\n' || bytes[i] == '\r') {
                        bytes[i] = 0;
                    }
                }
                bytes[0] = (byte) 0xFF;
                Files.write(file, bytes);
            }
            default -> throw new IllegalArgumentException("no generator for " + name);
        }
        return file;
    }

    /** One canonical JSON Lines record with a single contact message. */
    private static String record(
            String id, String contactOrOther, String bodyJson, String extraMessageFields) {
        return "{\"id\":\""
                + id
                + "\",\"subject\":\""
                + id
                + "\","
                + contactOrOther
                + ",\"messages\":[{\"id\":\"m1\",\"author\":{\"type\":\"contact\"},\"created_at\":\"2021-03-04T10:15:00Z\",\"body\":"
                + bodyJson
                + extraMessageFields
                + "}]}";
    }

    private static String quoted(String text) {
        return MAPPER.writeValueAsString(text);
    }

    // ------------------------------------------------------------------ the table's vocabulary

    private static Case c(
            String name,
            String file,
            String format,
            int exitCode,
            List<String> migrated,
            Reject... rejects) {
        return new Case(name, file, format, exitCode, migrated, List.of(rejects), null, null);
    }

    private static Case c(
            String name,
            String file,
            String format,
            int exitCode,
            List<String> migrated,
            List<Reject> rejects,
            String message,
            Check check) {
        return new Case(name, file, format, exitCode, migrated, rejects, message, check);
    }

    private static List<String> ids(String... ids) {
        return List.of(ids);
    }

    private static Reject r(long line, String sourceId, String reason) {
        return new Reject(line, sourceId, reason);
    }

    private static Conversation only(FakeIntercom intercom, String subject) {
        List<Conversation> found =
                intercom.conversations().stream().filter(c -> subject.equals(c.subject())).toList();
        assertThat(found).as("conversation %s", subject).hasSize(1);
        return found.get(0);
    }
}
