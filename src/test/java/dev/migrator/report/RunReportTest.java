package dev.migrator.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.delivery.RequiredCalls;
import dev.migrator.job.MigrationParameters;
import dev.migrator.job.MigrationProperties;
import dev.migrator.job.RunCounters;
import dev.migrator.ledger.Ledger;
import dev.migrator.ledger.LedgerDatabase;
import dev.migrator.support.UpperBound;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.step.StepExecution;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A run's summary from a job execution made by hand and a real ledger (in-memory H2). */
class RunReportTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long RUN = 7;
    private static final String WORKSPACE = "app-1";

    @TempDir Path stateDir;

    private final LedgerDatabase database = new LedgerDatabase();
    private final Ledger ledger = database.ledger;

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void idealAndActualCallsPerConversationCountEveryStepOfTheRun() {
        migrated("c-1");
        migrated("c-2");
        JobExecution execution = execution();
        StepExecution migrate = new StepExecution(1, "migrate", execution);
        migrate.getExecutionContext().putLong(RunCounters.RECORDS, 2);
        migrate.getExecutionContext().putLong(RunCounters.CALLS, 15);
        // Two conversations created, 3 replies, 1 close, 2 tags of 1 name; two new contacts.
        RunCounters.saveRequiredCalls(
                migrate.getExecutionContext(), new RequiredCalls(2, 3, 0, 1, 2, 1, 2, 2, 0, 0, 0));
        StepExecution settle = new StepExecution(2, "settle", execution);
        settle.getExecutionContext().putLong(RunCounters.CALLS, 4);
        RunCounters.saveRequiredCalls(
                settle.getExecutionContext(), new RequiredCalls(0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        execution.addStepExecution(migrate);
        execution.addStepExecution(settle);

        JsonNode summary = JSON.valueToTree(report().summarize(execution));

        assertThat(summary.path("conversations_migrated").asLong()).isEqualTo(2);
        assertThat(summary.path("api_calls").asLong()).isEqualTo(19);
        assertThat(summary.path("calls_per_conversation").asDouble()).isEqualTo(9.5);
        assertThat(summary.path("ideal_api_calls").asLong()).isEqualTo(14);
        assertThat(summary.path("ideal_calls_per_conversation").asDouble()).isEqualTo(7.0);
    }

    @Test
    void aRunThatMigratedNothingHasNoCallsPerConversation() {
        JobExecution execution = execution();
        StepExecution migrate = new StepExecution(1, "migrate", execution);
        migrate.getExecutionContext().putLong(RunCounters.CALLS, 3);
        execution.addStepExecution(migrate);

        RunSummary summary = report().summarize(execution);

        assertThat(summary.apiCalls()).isEqualTo(3);
        assertThat(summary.callsPerConversation()).isZero();
        assertThat(summary.idealApiCalls()).isZero();
        assertThat(summary.idealCallsPerConversation()).isZero();
    }

    @Test
    void callsPerConversationAreRoundedToTwoDecimals() {
        assertThat(RunReport.perConversation(20, 3)).isEqualTo(6.67);
        assertThat(RunReport.perConversation(5, 0)).isZero();
    }

    private void migrated(String sourceId) {
        ledger.conversationCreating(
                WORKSPACE, sourceId, "contact-1", sourceId + ":m1", 1_700_000_000, 0, RUN);
        ledger.conversationCreated(WORKSPACE, sourceId, "ic-" + sourceId, RUN);
        ledger.conversationComplete(WORKSPACE, sourceId, RUN);
    }

    private static JobExecution execution() {
        JobExecution execution =
                new JobExecution(
                        1,
                        new JobInstance(RUN, "migration"),
                        new JobParametersBuilder()
                                .addString(MigrationParameters.TARGET, WORKSPACE)
                                .addString(MigrationParameters.INPUTS, "in.json")
                                .addString(MigrationParameters.FORMATS, "conversations")
                                .toJobParameters());
        execution.setStatus(BatchStatus.COMPLETED);
        return execution;
    }

    private RunReport report() {
        return new RunReport(
                ledger,
                new MigrationProperties(
                        stateDir,
                        null,
                        ZoneOffset.UTC,
                        50,
                        UpperBound.of(4),
                        Duration.ofMinutes(1),
                        null,
                        false),
                JSON);
    }
}
