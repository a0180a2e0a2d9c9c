package dev.migrator.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.ConversationMigratorApplication;
import dev.migrator.cli.CommandRunner;
import dev.migrator.cli.Console;
import dev.migrator.cli.Launcher;
import dev.migrator.delivery.WorkspaceDirectory;
import dev.migrator.intercom.IntercomUnavailableException;
import dev.migrator.ledger.Ledger;
import dev.migrator.source.csv.CsvMappingProperties;
import dev.migrator.source.format.ExportFile;
import dev.migrator.source.format.ReadContext;
import dev.migrator.source.input.InputFormat;
import dev.migrator.support.Sha256;
import dev.migrator.testserver.FakeIntercom;
import dev.migrator.testserver.FakeIntercom.Conversation;
import dev.migrator.testserver.FakeIntercom.Fault;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.AbstractStep;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.StepLocator;
import org.springframework.batch.core.step.tasklet.TaskletStep;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.test.JobOperatorTestUtils;
import org.springframework.batch.test.context.SpringBatchTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The migration job step by step, in the style of spring-batch-samples' functional tests: the
 * application's own Spring context (no CLI command run at startup), its H2 job repository in a
 * temporary state directory, and FakeIntercom on 127.0.0.1. Each test builds the job as a run does
 * ({@link MigrationJobFactory#migrationJob} with the preflight's admin directory and {@link
 * MigrationParameters#of} parameters) and hands it to {@link JobOperatorTestUtils}.
 *
 * <p>The tests share one context, one fake workspace and one ledger: each writes its own export,
 * with conversation ids and contacts of its own, so each is its own run with its own conversations.
 * Faults are injected at exact points of a run by listeners added to the job's steps (no sleeps, no
 * request counting).
 */
@SpringBatchTest
@SpringBootTest(
        classes = {
            ConversationMigratorApplication.class,
            MigrationJobFunctionalTests.WithoutCommand.class
        },
        webEnvironment = SpringBootTest.WebEnvironment.NONE)
// Closed after the class, so that its H2 database is closed before the temporary state directory is
// deleted.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class MigrationJobFunctionalTests {

    private static final int CHUNK_SIZE = 3;
    private static final String AGENT = "bob@acme.example";
    private static final long DAY = 86_400;
    private static final Instant FIRST_OPENED = Instant.parse("2021-03-04T10:15:00Z");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir static Path stateDir;

    private static FakeIntercom intercom;

    @Autowired private JobOperatorTestUtils jobOperatorTestUtils;

    @Autowired private MigrationJobFactory jobs;

    @Autowired private Preflight preflight;

    @Autowired private Ledger ledger;

    @Autowired private CsvMappingProperties csvMapping;

    @Autowired private MigrationProperties migration;

    @Autowired private RunLeases runLeases;

    @BeforeAll
    static void startIntercom() {
        intercom = FakeIntercom.start();
        intercom.addAdmin(AGENT, "Bob Stone");
    }

    @AfterAll
    static void stopIntercom() {
        intercom.close();
    }

    @AfterEach
    void healIntercom() {
        intercom.comeBack().lostResponseRate(0).searchLag(Duration.ZERO);
    }

    @DynamicPropertySource
    static void intercomAndStateDir(DynamicPropertyRegistry registry) {
        registry.add("intercom.base-url", () -> intercom.baseUrl());
        registry.add("intercom.access-token", () -> FakeIntercom.TOKEN);
        registry.add("intercom.timeout", () -> "5s");
        // The in-doubt window (search lag plus timeout): far longer than any step here takes.
        registry.add("intercom.search-lag", () -> "1m");
        // Intercom down fails a chunk at once rather than after minutes of backoff.
        registry.add("intercom.retry.max-attempts", () -> "2");
        registry.add("intercom.retry.initial-backoff", () -> "10ms");
        registry.add("intercom.retry.max-backoff", () -> "20ms");
        registry.add("migration.state-dir", () -> stateDir.toString());
        registry.add("migration.chunk-size", () -> CHUNK_SIZE);
        // One conversation in flight: each commit then holds exactly the records of a chunk, and
        // nothing of the next one is sent before it, so listeners around a commit inject faults
        // at exact points. (Wider windows: SlidingWindowMigrationTest.)
        registry.add("migration.concurrency", () -> 1);
    }

    /**
     * The application's context as {@code main} makes it, less the command it runs at startup: the
     * console and launcher it registers are beans here, and the {@link CommandRunner} is left out.
     */
    @TestConfiguration(proxyBeanMethods = false)
    static class WithoutCommand {

        @Bean
        Console console() {
            PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
            return new Console(nowhere, nowhere);
        }

        @Bean
        Launcher launcher() {
            return Launcher.detect(Map.of());
        }

        @Bean
        static BeanFactoryPostProcessor noCommandAtStartup() {
            return beanFactory -> {
                String[] runners =
                        beanFactory.getBeanNamesForType(CommandRunner.class, true, false);
                assertThat(runners).as("the CommandRunner bean").hasSize(1);
                ((BeanDefinitionRegistry) beanFactory).removeBeanDefinition(runners[0]);
            };
        }
    }

    @Test
    void migrateStepAloneMigratesEveryGoodRecordAndRejectsTheBadOne() throws Exception {
        Export export = export("a", 7, 4);
        Run run = prepare(export);
        jobOperatorTestUtils.setJob(run.job());

        JobExecution execution =
                jobOperatorTestUtils.startStep("migrate", run.parameters(), new ExecutionContext());

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        StepExecution migrate = Steps.of(execution, "migrate");
        assertThat(migrate.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(migrate.getReadCount()).as("read").isEqualTo(7);
        // The bad record is not filtered nor skipped: it is committed with its reject.
        assertThat(migrate.getWriteCount()).as("written").isEqualTo(7);
        assertThat(migrate.getFilterCount()).as("filtered").isZero();
        assertThat(migrate.getSkipCount()).as("skipped").isZero();
        assertThat(migrate.getCommitCount()).as("commits: ceil(7 / %d)", CHUNK_SIZE).isEqualTo(3);
        assertThat(migrate.getRollbackCount()).as("rollbacks").isZero();
        assertThat(ledger.rejectCount(execution.getJobInstanceId())).as("rejects").isEqualTo(1);
        assertMigratedOnce(export);
    }

    @Test
    void withoutFaultsTheDeciderEndsTheJobAfterTheMigrateStep() throws Exception {
        Export export = export("b", 6, -1);
        Run run = prepare(export);
        jobOperatorTestUtils.setJob(run.job());

        JobExecution execution = jobOperatorTestUtils.startJob(run.parameters());

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(execution.getExitStatus().getExitCode())
                .isEqualTo(ExitStatus.COMPLETED.getExitCode());
        assertThat(stepNames(execution)).as("steps run").containsExactly("migrate");
        StepExecution migrate = Steps.of(execution, "migrate");
        assertThat(migrate.getReadCount()).isEqualTo(6);
        assertThat(migrate.getWriteCount()).isEqualTo(6);
        // Two full chunks, then the commit of the call that finds the input's end, with nothing
        // left to commit.
        assertThat(migrate.getCommitCount()).as("commits: 6 / %d + 1", CHUNK_SIZE).isEqualTo(3);
        assertThat(migrate.getRollbackCount()).isZero();
        assertThat(ledger.hasDeferred(execution.getJobInstanceId())).as("left in doubt").isFalse();
        assertMigratedOnce(export);
    }

    @Test
    void aCreateWhoseAnswerWasLostWhileSearchLagsIsFinishedByTheSettleStepOnce() throws Exception {
        Export export = export("c", 5, -1);
        // The contacts exist in Intercom already, so the only creates of a chunk are its
        // conversations.
        export.good().forEach(c -> intercom.addContact("user", c.email(), null, c.id()));
        int createsBefore = intercom.requests("POST /conversations");
        int lostBefore = intercom.faultsInjected(Fault.LOST_RESPONSE);
        Run run = prepare(export);
        // Search lags far behind: the migrate step cannot confirm a lost create and defers it.
        intercom.searchLag(Duration.ofHours(1));
        // Every create of the second chunk (conversations 4 and 5) is done, but its answer is lost.
        aroundCommit(
                run.job(),
                "migrate",
                2,
                () -> intercom.lostResponseRate(1.0),
                () -> intercom.lostResponseRate(0));
        // By the time the settle step runs, search has caught up.
        beforeStep(run.job(), "settle", () -> intercom.searchLag(Duration.ZERO));
        jobOperatorTestUtils.setJob(run.job());

        JobExecution execution = jobOperatorTestUtils.startJob(run.parameters());

        assertThat(intercom.faultsInjected(Fault.LOST_RESPONSE) - lostBefore)
                .as("answers lost")
                .isEqualTo(2);
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(stepNames(execution)).as("steps run").containsExactly("migrate", "settle");
        StepExecution migrate = Steps.of(execution, "migrate");
        assertThat(migrate.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(migrate.getReadCount()).isEqualTo(5);
        assertThat(migrate.getWriteCount()).isEqualTo(5);
        assertThat(migrate.getCommitCount()).isEqualTo(2);
        StepExecution settle = Steps.of(execution, "settle");
        assertThat(settle.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        // Exactly-once case 9: it does not read the inputs again; it finishes the two deferred
        // records from the ledger, in one round, since search has caught up.
        assertThat(settle.getReadCount()).as("records read again").isZero();
        assertThat(settle.getWriteCount()).as("records settled").isEqualTo(2);
        assertThat(settle.getCommitCount()).as("rounds").isEqualTo(1);
        assertThat(ledger.hasDeferred(execution.getJobInstanceId())).as("left in doubt").isFalse();
        assertThat(intercom.requests("POST /conversations") - createsBefore)
                .as("conversation creates sent")
                .isEqualTo(5);
        assertMigratedOnce(export);
    }

    @Test
    void aRestartAfterIntercomWentDownResumesAfterTheLastCommittedChunk() throws Exception {
        Export export = export("d", 7, -1);
        Run run = prepare(export);
        // Intercom goes down as soon as the first chunk is committed, before the second one sends
        // anything.
        aroundCommit(run.job(), "migrate", 1, () -> {}, intercom::goDown);
        jobOperatorTestUtils.setJob(run.job());

        JobExecution failed = jobOperatorTestUtils.startJob(run.parameters());

        assertThat(failed.getStatus()).isEqualTo(BatchStatus.FAILED);
        // Spring Batch 6 may wrap the tasklet's exception in a FatalStepExecutionException.
        assertThat(failed.getAllFailureExceptions())
                .as("why the run failed")
                .anyMatch(
                        e ->
                                Stream.iterate(e, Objects::nonNull, Throwable::getCause)
                                        .anyMatch(IntercomUnavailableException.class::isInstance));
        assertThat(stepNames(failed)).containsExactly("migrate");
        StepExecution firstMigrate = Steps.of(failed, "migrate");
        assertThat(firstMigrate.getStatus()).isEqualTo(BatchStatus.FAILED);
        assertThat(firstMigrate.getReadCount())
                .as("read: the records committed, the failed interval's rolled back")
                .isEqualTo(3);
        assertThat(firstMigrate.getWriteCount()).as("written").isEqualTo(3);
        assertThat(firstMigrate.getCommitCount()).as("commits").isEqualTo(1);
        assertThat(firstMigrate.getRollbackCount()).as("rollbacks").isEqualTo(1);
        assertThat(conversationsOf(export))
                .as("conversations in Intercom after the failure")
                .hasSize(3);

        intercom.comeBack();
        // A new run of the same inputs builds its job again, as the runner does.
        jobOperatorTestUtils.setJob(jobs.migrationJob(run.directory()));
        JobExecution resumed = jobOperatorTestUtils.startJob(run.parameters());

        assertThat(resumed.getJobInstanceId())
                .as("the same run")
                .isEqualTo(failed.getJobInstanceId());
        assertThat(resumed.getId()).isNotEqualTo(failed.getId());
        assertThat(resumed.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(stepNames(resumed)).containsExactly("migrate");
        StepExecution secondMigrate = Steps.of(resumed, "migrate");
        assertThat(secondMigrate.getReadCount())
                .as("read: the records after the committed chunk")
                .isEqualTo(4);
        assertThat(secondMigrate.getWriteCount()).isEqualTo(4);
        assertThat(secondMigrate.getCommitCount()).as("a chunk, then the last record").isEqualTo(2);
        assertThat(secondMigrate.getRollbackCount()).isZero();
        assertMigratedOnce(export);
    }

    // ------------------------------------------------------------------ runs

    /**
     * A run as the runner prepares one: the preflight's admins and target, then the job and its
     * parameters.
     */
    private record Run(
            Job job, JobParameters parameters, WorkspaceDirectory directory, String target) {}

    private Run prepare(Export export) throws Exception {
        List<ExportFile> files =
                List.of(new ExportFile(export.path(), InputFormat.CONVERSATIONS.format()));
        Preflight.Result checked =
                preflight.check(
                        files,
                        new ReadContext(null, csvMapping.layout(migration.timezone())),
                        false,
                        false);
        JobParameters parameters =
                MigrationParameters.of(
                        files,
                        List.of(Sha256.ofFile(export.path())),
                        checked.target(),
                        null,
                        null,
                        "migrate --input " + export.path());
        // As the runner does before it starts a run: the run sends only under its lease.
        assertThat(runLeases.acquire(MigrationParameters.leaseKey(parameters))).isEmpty();
        return new Run(
                jobs.migrationJob(checked.directory()),
                parameters,
                checked.directory(),
                checked.target());
    }

    /**
     * Runs {@code before} before the {@code n}th commit interval of a tasklet step starts, {@code
     * after} once it has committed or failed.
     */
    private static void aroundCommit(
            Job job, String stepName, int n, Runnable before, Runnable after) {
        AtomicInteger intervals = new AtomicInteger();
        ((TaskletStep) stepOf(job, stepName))
                .registerChunkListener(
                        new ChunkListener() {
                            @Override
                            public void beforeChunk(ChunkContext context) {
                                if (intervals.incrementAndGet() == n) {
                                    before.run();
                                }
                            }

                            @Override
                            public void afterChunk(ChunkContext context) {
                                if (intervals.get() == n) {
                                    after.run();
                                }
                            }

                            @Override
                            public void afterChunkError(ChunkContext context) {
                                afterChunk(context);
                            }
                        });
    }

    private static void beforeStep(Job job, String stepName, Runnable action) {
        ((AbstractStep) stepOf(job, stepName))
                .registerStepExecutionListener(
                        new StepExecutionListener() {
                            @Override
                            public void beforeStep(StepExecution stepExecution) {
                                action.run();
                            }
                        });
    }

    private static Step stepOf(Job job, String stepName) {
        return ((StepLocator) job).getStep(stepName);
    }

    /**
     * Step executions of a job execution. (Outside the test class: @SpringBatchTest's step-scope
     * listener would take a method of the test class that returns a StepExecution for its factory
     * of them.)
     */
    private static final class Steps {
        private Steps() {}

        static StepExecution of(JobExecution execution, String name) {
            return execution.getStepExecutions().stream()
                    .filter(s -> s.getStepName().equals(name))
                    .findFirst()
                    .orElseThrow(
                            () ->
                                    new AssertionError(
                                            "no "
                                                    + name
                                                    + " step execution in "
                                                    + stepNames(execution)));
        }
    }

    private static List<String> stepNames(JobExecution execution) {
        return execution.getStepExecutions().stream().map(StepExecution::getStepName).toList();
    }

    // ------------------------------------------------------------------ exports and Intercom

    /**
     * One good conversation of an export: its own contact, an opening, an agent's answer, the
     * customer's thanks.
     */
    private record Source(String id, String email, Instant openedAt, boolean closed) {
        List<Long> replyTimes() {
            return List.of(openedAt.getEpochSecond() + 60, openedAt.getEpochSecond() + 120);
        }
    }

    private record Export(Path path, List<Source> good) {}

    /**
     * A canonical JSON export of {@code records} conversations whose ids start with {@code prefix};
     * the one at {@code badIndex} (none when negative) has a contact with neither email nor
     * external id.
     */
    private static Export export(String prefix, int records, int badIndex) throws Exception {
        ArrayNode array = JSON.createArrayNode();
        List<Source> good = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            String id = prefix + "-" + (i + 1);
            Source source =
                    new Source(
                            id,
                            id + "@customers.example",
                            FIRST_OPENED.plusSeconds(i * DAY),
                            i % 2 == 0);
            ObjectNode conversation = array.addObject();
            conversation
                    .put("id", id)
                    .put("subject", "Question " + id)
                    .put("created_at", source.openedAt().toString())
                    .put("status", source.closed() ? "closed" : "open");
            conversation.putArray("tags").add("billing");
            ObjectNode contact =
                    conversation
                            .putObject("contact")
                            .put("name", "Customer " + id)
                            .put("role", "user");
            if (i == badIndex) {
                contact.put("email", "");
            } else {
                contact.put("email", source.email());
                good.add(source);
            }
            ArrayNode messages = conversation.putArray("messages");
            Instant opened = source.openedAt();
            message(messages, id + "-m1", "contact", null, "Hello, about " + id + "?", opened);
            message(
                    messages,
                    id + "-m2",
                    "agent",
                    AGENT,
                    "<p>Answer to " + id + ".</p>",
                    opened.plusSeconds(60));
            message(
                    messages,
                    id + "-m3",
                    "contact",
                    null,
                    "Thanks for " + id + "!",
                    opened.plusSeconds(120));
        }
        Path path = stateDir.resolve("exports").resolve(prefix + ".json");
        Files.createDirectories(path.getParent());
        Files.writeString(path, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(array));
        return new Export(path, List.copyOf(good));
    }

    private static void message(
            ArrayNode messages,
            String id,
            String authorType,
            String email,
            String body,
            Instant createdAt) {
        ObjectNode message = messages.addObject().put("id", id);
        ObjectNode author = message.putObject("author").put("type", authorType);
        if (email != null) {
            author.put("email", email);
        }
        message.put("body", body).put("created_at", createdAt.toString());
    }

    /**
     * Every good conversation of the export is in Intercom once, with its replies in order, closed
     * if it was.
     */
    private static void assertMigratedOnce(Export export) {
        for (Source source : export.good()) {
            List<Conversation> conversations = conversationsOf(source);
            assertThat(conversations).as("conversation %s in Intercom", source.id()).hasSize(1);
            Conversation conversation = conversations.get(0);
            assertThat(conversation.createdAt())
                    .as("%s opened at", source.id())
                    .isEqualTo(source.openedAt());
            assertThat(
                            conversation.parts().stream()
                                    .filter(p -> !p.partType().equals("close"))
                                    .map(p -> p.createdAt().getEpochSecond())
                                    .toList())
                    .as("replies of %s, in order, at their times", source.id())
                    .isEqualTo(source.replyTimes());
            assertThat(conversation.isOpen())
                    .as("%s open", source.id())
                    .isEqualTo(!source.closed());
            assertThat(conversation.tags()).as("%s tags", source.id()).containsExactly("billing");
        }
        assertThat(intercom.notifications()).as("customers notified").isZero();
        assertThat(intercom.internalErrors()).isEmpty();
    }

    private static List<Conversation> conversationsOf(Source source) {
        return intercom.contacts().stream()
                .filter(c -> source.email().equals(c.email()))
                .flatMap(c -> intercom.conversationsOf(c.id()).stream())
                .toList();
    }

    private static List<Conversation> conversationsOf(Export export) {
        return export.good().stream().flatMap(s -> conversationsOf(s).stream()).toList();
    }
}
