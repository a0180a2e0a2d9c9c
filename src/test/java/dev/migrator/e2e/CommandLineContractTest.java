package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.testserver.FakeIntercom;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Unusable options, configuration and input: exit code 2 and one line that says which and why. Help
 * and the version: exit code 0, printed before anything starts.
 */
class CommandLineContractTest {

    @TempDir Path workDir;

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
        assertUnusable(
                migrator("").run("migrate", "--input", "samples/conversations.json", "--bogus"),
                "--bogus");
    }

    @Test
    void missingInputFileIsUnusable() throws Exception {
        assertUnusable(
                migrator("").run("migrate", "--input", "no/such.json"),
                "no/such.json: no such file");
    }

    @Test
    void unknownFormatIsUnusable() throws Exception {
        assertUnusable(
                migrator("")
                        .run("migrate", "--input", "samples/conversations.json", "--format", "fax"),
                "--format fax is not a format");
    }

    @Test
    void versionBelowTheOneThatKeepsTimestampsIsRefused() throws Exception {
        assertUnusable(
                migrator("intercom.version: \"2.10\"")
                        .run("migrate", "--input", "samples/conversations.json"),
                "2.11 or later");
    }

    @Test
    void invalidNumberInConfigurationIsUnusable() throws Exception {
        assertUnusable(
                migrator("migration.concurrency: 0")
                        .run("migrate", "--input", "samples/conversations.json"),
                "migration.concurrency");
    }

    @Test
    void plainHttpToAnotherHostIsRefused() throws Exception {
        MigratorProcess migrator =
                new MigratorProcess(workDir, "http://intercom.example", FakeIntercom.TOKEN, "");
        assertUnusable(
                migrator.run("migrate", "--input", "samples/conversations.json"), "https://");
    }

    @Test
    void missingTokenIsUnusable() throws Exception {
        MigratorProcess migrator = new MigratorProcess(workDir, intercom.baseUrl(), null, "");
        assertUnusable(
                migrator.run("migrate", "--input", "samples/conversations.json"),
                "INTERCOM_ACCESS_TOKEN");
    }

    @Test
    void refusedTokenIsUnusable() throws Exception {
        MigratorProcess migrator =
                new MigratorProcess(workDir, intercom.baseUrl(), "wrong-token", "");
        MigratorProcess.Result result =
                migrator.run("migrate", "--input", "samples/conversations.json");
        assertUnusable(result, "refused the access token");
        assertThat(result.all()).doesNotContain("wrong-token");
    }

    @Test
    void agentsWithoutAdminAndNoDefaultStopTheRunBeforeAnythingIsSent() throws Exception {
        intercom.addAdmin("bob@acme.example", "Bob Stone");

        MigratorProcess.Result result =
                migrator("").run("migrate", "--input", "samples/conversations.json");

        assertUnusable(result, "carol@acme.example");
        assertThat(intercom.requests("POST /conversations")).isZero();
        assertThat(intercom.contacts()).isEmpty();
    }

    @Test
    void unreadableCsvHeaderIsUnusable() throws Exception {
        Path csv = workDir.resolve("bad.csv");
        Files.writeString(csv, "conversation_id,subject\nc-1,Hello\n");
        assertUnusable(
                migrator("")
                        .run("migrate", "--input", csv.toString(), "--format", "conversations-csv"),
                "lacks the column(s) author_type, created_at, body");
    }

    @Test
    void zendeskWithoutItsUsersFileIsUnusable() throws Exception {
        assertUnusable(
                migrator("")
                        .run(
                                "migrate",
                                "--input",
                                "samples/zendesk/tickets.jsonl",
                                "--format",
                                "zendesk"),
                "--format zendesk needs --users FILE");
    }

    @Test
    void usersFileWithAFormatThatDoesNotReadItIsUnusable() throws Exception {
        assertUnusable(
                migrator("")
                        .run(
                                "migrate",
                                "--input",
                                "samples/conversations.json",
                                "--users",
                                "samples/zendesk/users.jsonl"),
                "--users is read only with --format zendesk or freshdesk");
    }

    @Test
    void missingUsersFileIsUnusable() throws Exception {
        assertUnusable(
                migrator("")
                        .run(
                                "migrate",
                                "--input",
                                "samples/zendesk/tickets.jsonl",
                                "--users",
                                "no/users.jsonl"),
                "--users no/users.jsonl: no such file");
    }

    @Test
    void exportWhoseFormatCannotBeToldIsUnusable() throws Exception {
        Path unknown = workDir.resolve("export.json");
        Files.writeString(unknown, "[{\"ticket_number\": 1}]");
        assertUnusable(
                migrator("").run("migrate", "--input", unknown.toString()),
                "cannot tell its format");
    }

    @Test
    void noArgumentsIsUnusable() throws Exception {
        MigratorProcess.Result result = migrator("").runExactly();

        assertRefusedOnTheCommandLine(
                result,
                "error: no command given: use migrate, status, resume, report, verify, watch or"
                        + " undo");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h", "help"})
    void helpAtTheTopLevelPrintsTheUsageOfEveryCommand(String help) throws Exception {
        MigratorProcess.Result result = migrator("").runExactly(help);

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(result.out())
                .startsWith("Usage: conversation-migrator ")
                .contains("migrate ", "status ", "resume ", "report ", "verify ", "watch ")
                .contains("INTERCOM_ACCESS_TOKEN")
                .contains(
                        "Exit codes:",
                        "0   Finished",
                        "1   Failed or stopped",
                        "2   Unusable",
                        "3   Finished, but");
        assertThat(result.err()).isEmpty();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "migrate, --help, --input=FILE", "migrate, -h, --dry-run",
        "status, --help, --state-dir=DIR", "status, -h, --config=FILE",
        "resume, --help, --state-dir=DIR", "resume, -h, --config=FILE",
        "report, --help, --html=FILE", "report, -h, --html=FILE",
        "verify, --help, --state-dir=DIR", "verify, -h, --config=FILE",
        "watch, --help, --every=DURATION", "watch, -h, --inbox=DIR"
    })
    void helpOnACommandPrintsItsUsageAndRunsNothing(String command, String help, String anOption)
            throws Exception {
        MigratorProcess migrator = migrator("");

        MigratorProcess.Result result =
                migrator.runExactly(command, help, "--state-dir", migrator.stateDir().toString());

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(result.out())
                .startsWith("Usage: conversation-migrator " + command + " ")
                .contains(anOption, "-h, --help");
        assertThat(result.err()).isEmpty();
        assertThat(migrator.stateDir()).as("nothing started").doesNotExist();
    }

    @Test
    void helpOnACommandNamedAfterHelpPrintsThatCommandsUsage() throws Exception {
        MigratorProcess.Result result = migrator("").runExactly("help", "watch");

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(result.out())
                .startsWith("Usage: conversation-migrator watch ")
                .contains("--every=DURATION");
    }

    @Test
    void versionIsPrinted() throws Exception {
        MigratorProcess.Result result = migrator("").runExactly("--version");

        assertThat(result.exitCode()).as(result.all()).isZero();
        assertThat(result.out()).matches("conversation-migrator \\d+\\.\\d+\\.\\d+\\S*\\R");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void unknownOptionSaysWhereTheUsageIs() throws Exception {
        MigratorProcess.Result result = migrator("").run("status", "--bogus");

        assertRefusedOnTheCommandLine(result, "error: Unknown option: '--bogus'");
    }

    @Test
    void unknownCommandIsUnusable() throws Exception {
        assertRefusedOnTheCommandLine(
                migrator("").runExactly("migrat"),
                "error: Unmatched argument at index 0: 'migrat'");
    }

    @Test
    void missingRequiredOptionIsUnusable() throws Exception {
        assertRefusedOnTheCommandLine(
                migrator("").run("migrate"), "error: Missing required option: '--input=FILE'");
    }

    @Test
    void inputThatIsADirectoryIsUnusable() throws Exception {
        assertRefusedOnTheCommandLine(
                migrator("").run("migrate", "--input", "samples"),
                "error: --input samples: not a readable file");
    }

    @Test
    void missingConfigFileIsUnusable() throws Exception {
        assertRefusedOnTheCommandLine(
                migrator("").run("status", "--config", "no/config.yml"),
                "error: --config no/config.yml: no such file");
    }

    @Test
    void configThatIsADirectoryIsUnusable() throws Exception {
        assertRefusedOnTheCommandLine(
                migrator("").run("verify", "--config", "samples"),
                "error: --config samples: not a readable file");
    }

    @Test
    void usersFileThatIsADirectoryIsUnusable() throws Exception {
        assertRefusedOnTheCommandLine(
                migrator("").run("watch", "--inbox", workDir.toString(), "--users", "samples"),
                "error: --users samples: not a readable file");
    }

    @Test
    void missingInboxIsUnusable() throws Exception {
        assertRefusedOnTheCommandLine(
                migrator("").run("watch", "--inbox", "no/inbox"),
                "error: --inbox no/inbox: no such directory");
    }

    @Test
    void scanIntervalBelowASecondIsUnusable() throws Exception {
        assertRefusedOnTheCommandLine(
                migrator("").run("watch", "--inbox", workDir.toString(), "--every", "500ms"),
                "error: --every 500ms is shorter than a second");
    }

    /** Refused by the parser, before anything starts: the reason, then where the usage is. */
    private static void assertRefusedOnTheCommandLine(MigratorProcess.Result result, String error) {
        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.err())
                .isEqualTo(
                        error
                                + System.lineSeparator()
                                + "Run with --help for the usage."
                                + System.lineSeparator());
        assertThat(result.out()).isEmpty();
    }

    private static void assertUnusable(MigratorProcess.Result result, String reason) {
        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.err()).contains(reason);
        assertThat(result.err().lines().filter(l -> l.startsWith("error:")).count()).isEqualTo(1);
        assertThat(result.all()).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
