package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.testserver.FakeIntercom;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, run as users run it: {@code java -jar target/conversation-migrator.jar}. */
class PackagedJarIT {

    @TempDir Path workDir;

    record Outcome(int exitCode, String output) {}

    private Outcome runJar(java.util.Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        return runJar(
                Path.of("target/conversation-migrator.jar").toAbsolutePath(), environment, args);
    }

    private Outcome runJar(Path jar, java.util.Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-jar",
                                jar.toString()));
        command.addAll(List.of(args));
        Path output = workDir.resolve("output.txt");
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile());
        builder.environment().remove("INTERCOM_ACCESS_TOKEN");
        builder.environment().putAll(environment);
        Process process = builder.start();
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the jar finishes").isTrue();
        return new Outcome(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    @Test
    void dryRunOfTheSamplesWritesTheRequestsItWouldSend() throws Exception {
        Path stateDir = workDir.resolve("state");

        Outcome outcome =
                runJar(
                        java.util.Map.of(),
                        "migrate",
                        "--input",
                        "samples/conversations.json",
                        "--dry-run",
                        "--state-dir",
                        stateDir.toString());

        assertThat(outcome.exitCode()).as(outcome.output()).isEqualTo(3);
        assertThat(outcome.output())
                .contains("11 conversations migrated", "1 rejected")
                .doesNotContain("Exception");
        List<String> requests = Files.readAllLines(stateDir.resolve("runs/1/requests.jsonl"));
        assertThat(requests).filteredOn(r -> r.contains("\"path\":\"/conversations\"")).hasSize(11);
        assertThat(requests)
                .allSatisfy(r -> assertThat(r).doesNotContain("skip_notifications\":false"));
        assertThat(Files.readString(stateDir.resolve("runs/1/rejects.jsonl"))).contains("c-1007");
    }

    @Test
    void dryRunOfTheZendeskSampleDetectsItsFormatAndReadsItsUsersFile() throws Exception {
        Path stateDir = workDir.resolve("state");

        Outcome outcome =
                runJar(
                        java.util.Map.of(),
                        "migrate",
                        "--input",
                        "samples/zendesk/tickets.jsonl",
                        "--users",
                        "samples/zendesk/users.jsonl",
                        "--dry-run",
                        "--state-dir",
                        stateDir.toString());

        assertThat(outcome.exitCode()).as(outcome.output()).isEqualTo(3);
        assertThat(outcome.output())
                .contains("Detected format zendesk", "5 conversations migrated", "2 rejected")
                .doesNotContain("Exception");
        assertThat(Files.readAllLines(stateDir.resolve("runs/1/rejects.jsonl")))
                .extracting(line -> line.substring(0, line.indexOf("\"reason\"")))
                .allSatisfy(line -> assertThat(line).contains("tickets.jsonl"))
                .anySatisfy(line -> assertThat(line).contains("\"source_id\":\"105\""))
                .anySatisfy(line -> assertThat(line).contains("\"source_id\":\"107\""));
    }

    @Test
    void migratesTheSamplesIntoIntercom() throws Exception {
        try (FakeIntercom intercom = FakeIntercom.start()) {
            Agents.addTo(intercom);
            Path config = workDir.resolve("config.yml");
            Files.writeString(config, "intercom:\n  base-url: " + intercom.baseUrl() + "\n");

            Outcome outcome =
                    runJar(
                            java.util.Map.of("INTERCOM_ACCESS_TOKEN", FakeIntercom.TOKEN),
                            "migrate",
                            "--input",
                            "samples/conversations.csv",
                            "--config",
                            config.toString(),
                            "--state-dir",
                            workDir.resolve("state").toString());

            assertThat(outcome.exitCode()).as(outcome.output()).isEqualTo(3);
            assertThat(intercom.conversations()).hasSize(11);
            assertThat(intercom.notifications()).isZero();
            assertThat(outcome.output())
                    .as("the preflight")
                    .contains(
                            "Workspace: ",
                            "("
                                    + intercom.appId()
                                    + ") at "
                                    + intercom.baseUrl()
                                    + ", API version 2.16.")
                    .contains(
                            "Agents: 2 named in the input, 2 matched to Intercom admins by email.")
                    .contains("workflows, auto-replies, bots");
            assertThat(outcome.output()).doesNotContain(FakeIntercom.TOKEN);
            assertThat(Files.readString(workDir.resolve("state/migrator.log")))
                    .doesNotContain(FakeIntercom.TOKEN);
        }
    }

    @Test
    void versionIsTheOneInTheJarsManifest() throws Exception {
        String manifestVersion;
        try (JarFile jar = new JarFile("target/conversation-migrator.jar")) {
            manifestVersion =
                    jar.getManifest().getMainAttributes().getValue("Implementation-Version");
        }

        Outcome outcome = runJar(java.util.Map.of(), "--version");

        assertThat(outcome.exitCode()).as(outcome.output()).isZero();
        assertThat(manifestVersion).isNotBlank();
        assertThat(outcome.output())
                .isEqualTo("conversation-migrator " + manifestVersion + System.lineSeparator());
    }

    @Test
    void theResumeLineOfAFailedRunNamesTheJarWhereverItWasCopied() throws Exception {
        Path jar = Files.createDirectories(workDir.resolve("moved here")).resolve("migrator.jar");
        Files.copy(Path.of("target/conversation-migrator.jar"), jar);
        try (FakeIntercom intercom = FakeIntercom.start()) {
            Agents.addTo(intercom);
            Path config = failingIntercomConfig(intercom);
            Path stateDir = workDir.resolve("state");

            Outcome outcome =
                    runJar(
                            jar,
                            java.util.Map.of("INTERCOM_ACCESS_TOKEN", FakeIntercom.TOKEN),
                            "migrate",
                            "--input",
                            "samples/conversations.json",
                            "--config",
                            config.toString(),
                            "--state-dir",
                            stateDir.toString());

            assertThat(outcome.exitCode()).as(outcome.output()).isEqualTo(1);
            assertThat(
                            lineAfter(
                                    outcome.output(),
                                    "Nothing committed is lost. To resume, run the same command"
                                            + " again:"))
                    .isEqualTo(
                            "  java -jar '"
                                    + jar
                                    + "' migrate --input samples/conversations.json --config "
                                    + config
                                    + " --state-dir "
                                    + stateDir);
        }
    }

    @Test
    void theResumeLineOfAFailedRunStartsWithTheLauncherTheEnvironmentNames() throws Exception {
        try (FakeIntercom intercom = FakeIntercom.start()) {
            Agents.addTo(intercom);

            Outcome outcome =
                    runJar(
                            java.util.Map.of(
                                    "INTERCOM_ACCESS_TOKEN",
                                    FakeIntercom.TOKEN,
                                    "MIGRATOR_LAUNCHER",
                                    "docker compose run --rm migrator"),
                            "migrate",
                            "--input",
                            "samples/conversations.json",
                            "--config",
                            failingIntercomConfig(intercom).toString(),
                            "--state-dir",
                            workDir.resolve("state").toString());

            assertThat(outcome.exitCode()).as(outcome.output()).isEqualTo(1);
            assertThat(
                            lineAfter(
                                    outcome.output(),
                                    "Nothing committed is lost. To resume, run the same command"
                                            + " again:"))
                    .startsWith(
                            "  docker compose run --rm migrator migrate --input"
                                    + " samples/conversations.json ");
        }
    }

    /**
     * Intercom answers the preflight (GET /me and GET /admins), then goes down: the run starts and
     * fails, after one quick retry of its first call.
     */
    private Path failingIntercomConfig(FakeIntercom intercom) throws IOException {
        intercom.goDownAfterRequests(2);
        Path config = workDir.resolve("config.yml");
        Files.writeString(
                config,
                """
                intercom:
                  base-url: %s
                  retry:
                    max-attempts: 2
                    initial-backoff: 10ms
                    max-backoff: 20ms
                """
                        .formatted(intercom.baseUrl()));
        return config;
    }

    private static String lineAfter(String output, String line) {
        List<String> lines = output.lines().toList();
        assertThat(lines).as(output).contains(line);
        return lines.get(lines.indexOf(line) + 1);
    }
}
