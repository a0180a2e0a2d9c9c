package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.testserver.FakeIntercom;
import dev.migrator.testserver.FakeIntercom.Conversation;
import dev.migrator.testserver.FakeIntercom.Part;
import dev.migrator.testserver.FakeIntercom.UploadedFile;
import dev.migrator.testserver.SourceFiles;
import dev.migrator.testserver.SourceFiles.Access;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collector;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 16's attachments, end to end: the Front sample, its attachments served by a local file host
 * that wants a Front token, migrated by the real application into the fake Intercom with {@code
 * migration.attachments: auto} (the default), {@code FRONT_TOKEN} in the environment and {@code
 * 127.0.0.1} as Front's host.
 */
class CarriedAttachmentsEndToEndTest {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final Path SAMPLE = Path.of("samples/front/conversations.json");
    private static final Pattern SAMPLE_URL =
            Pattern.compile("https://files\\.acme\\.example/front/[^\"]+/([^\"/]+)");
    private static final String FRONT_TOKEN = "front-token-0f9e8d";

    @TempDir Path workDir;

    private FakeIntercom intercom;
    private SourceFiles files;
    private MigratorProcess migrator;

    @BeforeEach
    void setUp() throws IOException {
        intercom = FakeIntercom.start();
        Agents.addTo(intercom);
        files = SourceFiles.start();
        migrator =
                new MigratorProcess(
                        workDir,
                        intercom.baseUrl(),
                        FakeIntercom.TOKEN,
                        """
                          attachment-hosts:
                            front: ["127.0.0.1"]
                        """,
                        "auto",
                        Map.of("FRONT_TOKEN", FRONT_TOKEN));
    }

    @AfterEach
    void tearDown() {
        files.close();
        intercom.close();
    }

    @Test
    void a_front_sample_whose_files_need_its_token_arrives_with_every_file_uploaded_once()
            throws IOException {
        Map<String, String> urls = new LinkedHashMap<>(); // the sample's URL: the served one
        Path export = export(name -> Access.bearer(FRONT_TOKEN), urls);

        MigratorProcess.Result result = migrate(export);

        assertThat(result.exitCode()).as(result.all()).isEqualTo(3); // the sample's one reject
        List<UploadedFile> uploaded = uploaded();
        assertThat(uploaded)
                .extracting(UploadedFile::sha256)
                .containsExactlyInAnyOrderElementsOf(
                        urls.values().stream().map(files::sha256).toList());
        for (String served : urls.values()) {
            assertThat(files.downloads(served)).as("downloads of " + served).isEqualTo(1);
        }
        assertThat(uploaded)
                .extracting(UploadedFile::name)
                .containsExactlyInAnyOrder(
                        "login-error.png",
                        "export_orders.py",
                        "limits.csv",
                        "sso-datasheet.pdf",
                        "pricing-2023.pdf");
        assertThat(uploaded)
                .filteredOn(file -> file.name().equals("login-error.png"))
                .extracting(UploadedFile::contentType)
                .containsExactly("image/png");
        assertThat(intercom.conversations())
                .as("no URL left for Intercom to fetch")
                .allSatisfy(
                        conversation -> {
                            assertThat(conversation.attachments()).isEmpty();
                            assertThat(conversation.parts())
                                    .allSatisfy(part -> assertThat(part.attachments()).isEmpty());
                        });
        // The one opening with a file: the file in a note right after it, at its time.
        Conversation opened =
                intercom.conversations().stream()
                        .filter(c -> c.parts().stream().anyMatch(this::isOpeningNote))
                        .collect(onlyOne());
        Part note = opened.parts().get(0);
        assertThat(isOpeningNote(note)).isTrue();
        assertThat(note.authorType()).isEqualTo("admin");
        assertThat(note.createdAt()).isEqualTo(opened.createdAt());
        assertThat(note.files()).extracting(UploadedFile::name).containsExactly("login-error.png");
        assertThat(Files.readAllLines(migrator.runDir(1).resolve("attachments-failed.jsonl")))
                .isEmpty();
        assertThat(summary(1).path("attachments_failed").asLong()).isZero();
        for (Path file : List.of(migrator.stateDir().resolve("migrator.log"))) {
            assertThat(Files.readString(file)).doesNotContain(FRONT_TOKEN);
        }
        try (Stream<Path> left = Files.list(migrator.runDir(1).resolve("downloads"))) {
            assertThat(left).as("every downloaded file deleted once sent").isEmpty();
        }

        MigratorProcess.Result again = migrate(export);
        assertThat(again.exitCode()).as(again.all()).isZero();
        assertThat(uploaded()).as("nothing uploaded twice").hasSameSizeAs(uploaded);
        assertThat(urls.values()).allSatisfy(url -> assertThat(files.downloads(url)).isOne());
    }

    @Test
    void an_expired_url_arrives_as_a_link_in_its_body_and_is_listed() throws IOException {
        Map<String, String> urls = new LinkedHashMap<>();
        Path export =
                export(
                        name ->
                                name.equals("limits.csv")
                                        ? Access.EXPIRED
                                        : Access.bearer(FRONT_TOKEN),
                        urls);
        String expired =
                urls.entrySet().stream()
                        .filter(e -> e.getKey().endsWith("/limits.csv"))
                        .findFirst()
                        .orElseThrow()
                        .getValue();

        MigratorProcess.Result result = migrate(export);

        assertThat(result.exitCode()).as(result.all()).isEqualTo(3);
        assertThat(uploaded()).hasSize(urls.size() - 1);
        List<Part> listing =
                intercom.conversations().stream()
                        .flatMap(conversation -> conversation.parts().stream())
                        .filter(part -> part.body() != null && part.body().contains(expired))
                        .toList();
        assertThat(listing).singleElement();
        assertThat(listing.get(0).body())
                .contains("Attachments not carried over:")
                .contains("limits.csv: " + expired);
        List<String> failed =
                Files.readAllLines(migrator.runDir(1).resolve("attachments-failed.jsonl"));
        assertThat(failed).hasSize(1);
        JsonNode line = MAPPER.readTree(failed.get(0));
        assertThat(line.path("url").asString()).isEqualTo(expired);
        assertThat(line.path("name").asString()).isEqualTo("limits.csv");
        assertThat(line.path("reason").asString()).isEqualTo("the source answered HTTP 403");
        assertThat(line.path("source_id").asString()).isEqualTo("front:cnv_6p1k2c");
        assertThat(line.path("part").asString()).isEqualTo("com_9f1c"); // a comment's file
        assertThat(summary(1).path("attachments_failed").asLong()).isEqualTo(1);
        assertThat(result.out())
                .contains(
                        "Attachments: 1 file(s) could not be carried and went as links",
                        "attachments not carried: "
                                + migrator.runDir(1).resolve("attachments-failed.jsonl"));
        assertThat(Files.readString(migrator.runDir(1).resolve("report.html")))
                .contains("data-field=\"attachments_failed\">1<");

        // `report` writes the list again from the ledger.
        Files.delete(migrator.runDir(1).resolve("attachments-failed.jsonl"));
        MigratorProcess.Result report = migrator.run("report"); // the latest run
        assertThat(report.exitCode()).as(report.all()).isZero();
        assertThat(Files.readAllLines(migrator.runDir(1).resolve("attachments-failed.jsonl")))
                .isEqualTo(failed);
    }

    /**
     * The sample with each attachment served by the local file host, under {@code access} by file
     * name; {@code urls} receives each sample URL and the URL that serves it.
     */
    private Path export(Function<String, Access> access, Map<String, String> urls)
            throws IOException {
        String sample = Files.readString(SAMPLE);
        Matcher matcher = SAMPLE_URL.matcher(sample);
        StringBuilder rewritten = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String served =
                    urls.computeIfAbsent(
                            matcher.group(),
                            url ->
                                    files.addGenerated(
                                            name,
                                            40_000 + 1_000L * urls.size(),
                                            null,
                                            access.apply(name)));
            matcher.appendReplacement(rewritten, Matcher.quoteReplacement(served));
        }
        matcher.appendTail(rewritten);
        assertThat(urls).hasSize(5);
        Path export = workDir.resolve("front-with-files.json");
        Files.writeString(export, rewritten);
        return export;
    }

    private boolean isOpeningNote(Part part) {
        return part.partType().equals("note")
                && "Attachments of the first message:".equals(part.body());
    }

    private static <T> Collector<T, ?, T> onlyOne() {
        return Collectors.collectingAndThen(
                Collectors.toList(),
                list -> {
                    assertThat(list).hasSize(1);
                    return list.get(0);
                });
    }

    private MigratorProcess.Result migrate(Path export) {
        return migrator.run("migrate", "--input", export.toString(), "--format", "front");
    }

    private List<UploadedFile> uploaded() {
        List<UploadedFile> uploaded = new ArrayList<>();
        for (Conversation conversation : intercom.conversations()) {
            for (Part part : conversation.parts()) {
                uploaded.addAll(part.files());
            }
        }
        return uploaded;
    }

    private JsonNode summary(long runId) throws IOException {
        return MAPPER.readTree(migrator.runDir(runId).resolve("summary.json").toFile());
    }
}
