package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.testserver.FakeIntercom;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Titles, owners, attributes and companies of the canonical sample, through the real application
 * into the fake Intercom: checked by the preflight, applied once, kept through re-runs.
 */
class AroundTheThreadTest {

    private static final Path SAMPLE = Path.of("samples/conversations.json");

    @TempDir Path workDir;

    private FakeIntercom intercom;

    @BeforeEach
    void setUp() {
        intercom = FakeIntercom.start();
        Agents.addTo(intercom);
    }

    @AfterEach
    void tearDown() {
        intercom.close();
    }

    @Test
    void attributesTheWorkspaceLacksOrCannotTakeStopTheRunBeforeAnythingIsSent() throws Exception {
        intercom.addConversationAttribute("Priority", "string");
        intercom.addConversationAttribute("Linked order", "relationship");
        intercom.addConversationAttribute("Plan", "string");
        intercom.addConversationAttribute("Plan", "list");
        MigratorProcess migrator =
                new MigratorProcess(
                        workDir,
                        intercom.baseUrl(),
                        FakeIntercom.TOKEN,
                        """
                        mapping:
                          attributes:
                            - {source: priority, intercom: Priority}
                            - {source: order, intercom: Order number}
                            - {source: order_link, intercom: Linked order}
                            - {source: plan, intercom: Plan}
                        """);

        MigratorProcess.Result result = migrator.run("migrate", "--input", SAMPLE.toString());

        assertThat(result.exitCode()).as(result.all()).isEqualTo(2);
        assertThat(result.err())
                .contains(
                        "mapping.attributes: in workspace",
                        "\"Order number\" does not exist",
                        "\"Linked order\" is of type relationship",
                        "\"Plan\" names 2 attributes")
                .doesNotContain("Priority", "\tat ");
        assertThat(intercom.requests("POST /conversations")).isZero();
        assertThat(intercom.requests("POST /contacts")).isZero();
    }
}
