package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.testserver.FakeIntercom;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unusable options, configuration and input: exit code 2 and one line that says which and why. */
class CommandLineContractTest {

    @TempDir
    Path workDir;

    private FakeIntercom intercom;

    @BeforeEach
    void startIntercom() {
        intercom = FakeIntercom.start();
    }

    @AfterEach
    void stopIntercom() {
        intercom.close();
    }

    private MigratorProcess migrator(String extraConfig) throws Exception {
        return new MigratorProcess(workDir, intercom.baseUrl(), FakeIntercom.TOKEN, extraConfig);
    }

    @Test
    void unknownOptionIsUnusable() throws Exception {
        assertUnusable(migrator("").run("migrate", "--input", "samples/conversations.json", "--bogus"), "--bogus");
    }

    @Test
    void missingInputFileIsUnusable() throws Exception {
        assertUnusable(migrator("").run("migrate", "--input", "no/such.json"), "no/such.json: no such file");
    }

    @Test
    void unknownFormatIsUnusable() throws Exception {
        assertUnusable(migrator("").run("migrate", "--input", "samples/conversations.json", "--format", "fax"),
                "--format fax is not a format");
    }

    @Test
    void versionBelowTheOneThatKeepsTimestampsIsRefused() throws Exception {
        assertUnusable(migrator("intercom.version: \"2.10\"").run("migrate", "--input", "samples/conversations.json"),
                "2.11 or later");
    }

    @Test
    void invalidNumberInConfigurationIsUnusable() throws Exception {
        assertUnusable(migrator("migration.concurrency: 0").run("migrate", "--input", "samples/conversations.json"),
                "migration.concurrency");
    }

    @Test
    void plainHttpToAnotherHostIsRefused() throws Exception {
        MigratorProcess migrator = new MigratorProcess(workDir, "http://intercom.example", FakeIntercom.TOKEN, "");
        assertUnusable(migrator.run("migrate", "--input", "samples/conversations.json"), "https://");
    }

    @Test
    void missingTokenIsUnusable() throws Exception {
        MigratorProcess migrator = new MigratorProcess(workDir, intercom.baseUrl(), null, "");
        assertUnusable(migrator.run("migrate", "--input", "samples/conversations.json"), "INTERCOM_ACCESS_TOKEN");
    }

    @Test
    void refusedTokenIsUnusable() throws Exception {
        MigratorProcess migrator = new MigratorProcess(workDir, intercom.baseUrl(), "wrong-token", "");
        MigratorProcess.Result result = migrator.run("migrate", "--input", "samples/conversations.json");
        assertUnusable(result, "refused the access token");
        assertThat(result.all()).doesNotContain("wrong-token");
    }

    @Test
    void agentsWithoutAdminAndNoDefaultStopTheRunBeforeAnythingIsSent() throws Exception {
        intercom.addAdmin("bob@acme.example", "Bob Stone");

        MigratorProcess.Result result = migrator("").run("migrate", "--input", "samples/conversations.json");

        assertUnusable(result, "carol@acme.example");
        assertThat(intercom.requests("POST /conversations")).isZero();
        assertThat(intercom.contacts()).isEmpty();
    }

    @Test
    void unreadableCsvHeaderIsUnusable() throws Exception {
        Path csv = workDir.resolve("bad.csv");
        Files.writeString(csv, "conversation_id,subject\nc-1,Hello\n");
        assertUnusable(migrator("").run("migrate", "--input", csv.toString(), "--format", "conversations-csv"),
                "lacks the column(s) author_type, created_at, body");
    }

    @Test
    void zendeskWithoutItsUsersFileIsUnusable() throws Exception {
        assertUnusable(migrator("").run("migrate", "--input", "samples/zendesk/tickets.jsonl", "--format", "zendesk"),
                "--format zendesk needs --users FILE");
    }

    @Test
    void usersFileWithAFormatThatDoesNotReadItIsUnusable() throws Exception {
        assertUnusable(migrator("").run("migrate", "--input", "samples/conversations.json",
                "--users", "samples/zendesk/users.jsonl"), "--users is read only with --format zendesk or freshdesk");
    }

    @Test
    void missingUsersFileIsUnusable() throws Exception {
        assertUnusable(migrator("").run("migrate", "--input", "samples/zendesk/tickets.jsonl",
                "--users", "no/users.jsonl"), "--users no/users.jsonl: no such file");
    }

    @Test
    void exportWhoseFormatCannotBeToldIsUnusable() throws Exception {
        Path unknown = workDir.resolve("export.json");
        Files.writeString(unknown, "[{\"ticket_number\": 1}]");
        assertUnusable(migrator("").run("migrate", "--input", unknown.toString()), "cannot tell its format");
    }

    private static void assertUnusable(MigratorProcess.Result result, String reason) {
        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.err()).contains(reason);
        assertThat(result.err().lines().filter(l -> l.startsWith("error:")).count()).isEqualTo(1);
        assertThat(result.all()).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
