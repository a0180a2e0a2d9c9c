package dev.migrator.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.ConversationMigratorApplication;
import dev.migrator.delivery.WorkspaceDirectory;
import dev.migrator.intercom.ApiRequest;
import dev.migrator.intercom.HttpTransport;
import dev.migrator.intercom.IntercomProperties;
import dev.migrator.intercom.IntercomTransport;
import dev.migrator.intercom.IntercomUnavailableException;
import dev.migrator.intercom.SendPermit;
import dev.migrator.source.csv.CsvMappingProperties;
import dev.migrator.source.format.ExportFile;
import dev.migrator.source.format.ReadContext;
import dev.migrator.source.input.InputFormat;
import dev.migrator.support.Sha256;
import dev.migrator.testserver.FakeIntercom;
import dev.migrator.testserver.FakeIntercom.Conversation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.launch.support.JobExecutionShutdownHook;
import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.StepLocator;
import org.springframework.batch.core.step.tasklet.TaskletStep;
import org.springframework.batch.test.JobOperatorTestUtils;
import org.springframework.batch.test.context.SpringBatchTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The migrate step's sliding window with many conversations in flight, against FakeIntercom: the
 * order of a conversation's records, a slow conversation that holds up no other, and a failure and
 * a stop in the middle of the window. Requests are steered (held, failed, or a stop asked for) at
 * exact points through the transport the run sends with; nothing waits on time.
 */
@SpringBatchTest
@SpringBootTest(
        classes = {
            ConversationMigratorApplication.class,
            MigrationJobFunctionalTests.WithoutCommand.class
        },
        webEnvironment = SpringBootTest.WebEnvironment.NONE)
@Import(SlidingWindowMigrationTest.SteeredIntercom.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SlidingWindowMigrationTest {

    private static final int CHUNK_SIZE = 3;
    private static final String AGENT = "bob@acme.example";
    private static final Instant FIRST_OPENED = Instant.parse("2022-01-10T09:00:00Z");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Longer than any run here takes: a hold that is never released fails the test. */
    private static final long HOLD_SECONDS = 60;

    @TempDir static Path stateDir;

    private static FakeIntercom intercom;

    /** What the test does around each request the run sends; nothing by default. */
    private static volatile Steering steering = request -> () -> {};

    @Autowired private JobOperatorTestUtils jobOperatorTestUtils;
    @Autowired private JobOperator jobOperator;
    @Autowired private JobRepository jobRepository;
    @Autowired private MigrationJobFactory jobs;
    @Autowired private Preflight preflight;
    @Autowired private CsvMappingProperties csvMapping;
    @Autowired private MigrationProperties migration;
    @Autowired private RunLeases runLeases;
    @Autowired private HttpTransport httpTransport;

    @BeforeAll
    static void startIntercom() {
        intercom = FakeIntercom.start();
        intercom.addAdmin(AGENT, "Bob Stone");
        // Answers in a varying order, so that conversations overtake each other; and slow enough
        // (40 ms at least) that the adaptive window, which fills the fake's 166 calls/s, keeps 10
        // conversations or more in flight.
        intercom.latency(Duration.ofMillis(80), Duration.ofMillis(40));
    }

    @AfterAll
    static void stopIntercom() {
        intercom.close();
    }

    @AfterEach
    void steerNothing() {
        steering = request -> () -> {};
    }

    @DynamicPropertySource
    static void intercomAndStateDir(DynamicPropertyRegistry registry) {
        registry.add("intercom.base-url", () -> intercom.baseUrl());
        registry.add("intercom.access-token", () -> FakeIntercom.TOKEN);
        registry.add("intercom.timeout", () -> "5s");
        registry.add("intercom.search-lag", () -> "1m");
        registry.add("intercom.retry.max-attempts", () -> "2");
        registry.add("intercom.retry.initial-backoff", () -> "10ms");
        registry.add("intercom.retry.max-backoff", () -> "20ms");
        registry.add("migration.state-dir", () -> stateDir.toString());
        registry.add("migration.chunk-size", () -> CHUNK_SIZE);
        registry.add("migration.concurrency", () -> 64);
    }

    /** Called before each request; what it returns runs once the request has its answer. */
    interface Steering {
        Runnable before(ApiRequest request);
    }

    /** The run's transport, each request of it steered by the test. */
    @TestConfiguration(proxyBeanMethods = false)
    static class SteeredIntercom {
        @Bean
        @Primary
        HttpTransport steeredTransport(
                IntercomProperties intercom, JsonMapper jsonMapper, Clock clock) {
            return new HttpTransport(intercom, jsonMapper, clock) {
                @Override
                public IntercomTransport permittedBy(SendPermit permit) {
                    IntercomTransport sending = super.permittedBy(permit);
                    return new IntercomTransport() {
                        @Override
                        public JsonNode exchange(ApiRequest request) {
                            Runnable after = steering.before(request);
                            try {
                                return sending.exchange(request);
                            } finally {
                                after.run();
                            }
                        }

                        @Override
                        public long callCount() {
                            return sending.callCount();
                        }
                    };
                }
            };
        }
    }

    @Test
    void aConversationsRecordsAreSentOneAfterTheOtherInReadOrderWhateverTheWindow()
            throws Exception {
        // Four conversations, each in five records (every later one with one message more, as a
        // delta export has them), interleaved: a-1 r1, a-2 r1, ..., a-4 r1, a-1 r2, ...
        int conversations = 4;
        int rounds = 5;
        Path export = stateDir.resolve("exports/a.json");
        ArrayNode array = JSON.createArrayNode();
        for (int round = 1; round <= rounds; round++) {
            for (int c = 1; c <= conversations; c++) {
                conversation(array, "a-" + c, c, round + 1);
            }
        }
        write(export, array);
        int createsBefore = intercom.requests("POST /conversations");
        Run run = prepare(export);
        assertThat(migration.maxInFlight()).isEqualTo(64);
        assertThat(httpTransport.inFlightWindow().limit())
                .as("conversations in flight at once")
                .isGreaterThan(conversations);

        JobExecution execution = jobOperatorTestUtils.startJob(run.parameters());

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        StepExecution migrate = Migrate.of(execution);
        assertThat(migrate.getReadCount()).isEqualTo(conversations * rounds);
        assertThat(migrate.getWriteCount()).isEqualTo(conversations * rounds);
        assertThat(intercom.requests("POST /conversations") - createsBefore)
                .as("conversations created")
                .isEqualTo(conversations);
        for (int c = 1; c <= conversations; c++) {
            List<Conversation> found = conversationsOf("a-" + c);
            assertThat(found).as("conversation a-%d in Intercom", c).hasSize(1);
            assertThat(replyTimes(found.get(0)))
                    .as("the replies of a-%d: each once, in order", c)
                    .isEqualTo(replyTimes(c, rounds + 1));
        }
    }

    @Test
    void aSlowConversationHoldsUpNoOtherAndTheRecordsBeforeItCommit() throws Exception {
        int records = 20;
        Path export = export("s", records);
        Run run = prepare(export);
        CountDownLatch othersDone = new CountDownLatch(1);
        CountDownLatch firstCommit = new CountDownLatch(1);
        AtomicBoolean othersDoneWhileHeld = new AtomicBoolean();
        AtomicBoolean committedWhileHeld = new AtomicBoolean();
        onCommit(run.job(), firstCommit::countDown);
        // s-4's create is held until every other conversation is in Intercom and the first chunk
        // (s-1 to s-3) is committed: a step that waited for s-4 before sending or committing
        // the others would never release it.
        steering =
                request -> {
                    if (isCreateOf(request, "s-4")) {
                        othersDoneWhileHeld.set(await(othersDone));
                        committedWhileHeld.set(await(firstCommit));
                        return () -> {};
                    }
                    return () -> {
                        if (IntStream.rangeClosed(1, records)
                                .filter(i -> i != 4)
                                .allMatch(i -> isComplete("s-" + i, 3))) {
                            othersDone.countDown();
                        }
                    };
                };

        JobExecution execution = jobOperatorTestUtils.startJob(run.parameters());

        assertThat(othersDoneWhileHeld).as("the others sent while s-4 was held").isTrue();
        assertThat(committedWhileHeld).as("s-1 to s-3 committed while s-4 was held").isTrue();
        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(Migrate.of(execution).getWriteCount()).isEqualTo(records);
        assertMigratedOnce("s", records);
    }

    @Test
    void aFailureMidWindowCommitsTheFinishedPrefixAndTheReRunSendsNothingTwice() throws Exception {
        int records = 20;
        Path export = export("f", records);
        int createsBefore = intercom.requests("POST /conversations");
        Run run = prepare(export);
        AtomicBoolean failed = new AtomicBoolean();
        // Intercom cannot be reached when f-5's contact is looked for, once: the run stops with
        // f-6 and later ones in flight or sent.
        steering =
                request -> {
                    if (request.path().startsWith("/contacts")
                            && String.valueOf(request.body()).contains("f-5@customers.example")
                            && failed.compareAndSet(false, true)) {
                        throw new IntercomUnavailableException("f-5 cannot reach Intercom");
                    }
                    return () -> {};
                };

        JobExecution first = jobOperatorTestUtils.startJob(run.parameters());

        assertThat(first.getStatus()).isEqualTo(BatchStatus.FAILED);
        StepExecution firstMigrate = Migrate.of(first);
        assertThat(firstMigrate.getWriteCount())
                .as("committed: the finished prefix, f-1 to f-4")
                .isEqualTo(4);
        assertThat(
                        jobRepository
                                .getLastStepExecution(first.getJobInstance(), "migrate")
                                .getExecutionContext()
                                .getInt("exportReader.read.count"))
                .as("the reader's saved position")
                .isEqualTo(4);

        jobOperatorTestUtils.setJob(jobs.migrationJob(run.directory()));
        JobExecution second = jobOperatorTestUtils.startJob(run.parameters());

        assertThat(second.getJobInstanceId()).isEqualTo(first.getJobInstanceId());
        assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(second.getStepExecutions()).as("no settle step: nothing in doubt").hasSize(1);
        assertThat(Migrate.of(second).getReadCount()).as("read again: f-5 on").isEqualTo(16);
        assertThat(intercom.requests("POST /conversations") - createsBefore)
                .as("conversation creates sent, over both runs")
                .isEqualTo(records);
        assertMigratedOnce("f", records);
    }

    @Test
    void aStopCommitsWhatWasInFlightAndTheReRunResumesAfterIt() throws Exception {
        int records = 60;
        Path export = export("g", records);
        int createsBefore = intercom.requests("POST /conversations");
        Run run = prepare(export);
        AtomicReference<StepExecution> running = new AtomicReference<>();
        onStepStart(run.job(), running::set);
        AtomicBoolean stopped = new AtomicBoolean();
        // As SIGTERM does (GracefulShutdown), once the first chunk is committed, with later
        // records in flight.
        onCommit(
                run.job(),
                () -> {
                    if (stopped.compareAndSet(false, true)) {
                        new JobExecutionShutdownHook(running.get().getJobExecution(), jobOperator)
                                .run();
                    }
                });

        JobExecution first = jobOperatorTestUtils.startJob(run.parameters());

        assertThat(first.getStatus()).isEqualTo(BatchStatus.STOPPED);
        StepExecution firstMigrate = Migrate.of(first);
        assertThat(firstMigrate.getStatus()).isEqualTo(BatchStatus.STOPPED);
        assertThat(firstMigrate.getWriteCount())
                .as("committed: every record read, once finished")
                .isEqualTo(firstMigrate.getReadCount())
                .isGreaterThan(CHUNK_SIZE)
                .isLessThan(records);
        assertThat(firstMigrate.getRollbackCount()).isZero();

        jobOperatorTestUtils.setJob(jobs.migrationJob(run.directory()));
        JobExecution second = jobOperatorTestUtils.startJob(run.parameters());

        assertThat(second.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(Migrate.of(second).getReadCount())
                .as("read by the re-run: the rest")
                .isEqualTo(records - firstMigrate.getReadCount());
        assertThat(intercom.requests("POST /conversations") - createsBefore)
                .as("conversation creates sent, over both runs")
                .isEqualTo(records);
        assertMigratedOnce("g", records);
    }

    @Test
    void aDryRunPlansInParallelButWritesItsRequestsInReadingOrder() throws Exception {
        int records = 30;
        Path export = export("d", records);
        Run run = prepare(export, true);

        JobExecution execution = jobOperatorTestUtils.startJob(run.parameters());

        assertThat(execution.getStatus()).isEqualTo(BatchStatus.COMPLETED);
        assertThat(Migrate.of(execution).getWriteCount()).isEqualTo(records);
        List<String> creates =
                Files.readAllLines(
                                migration
                                        .runDir(execution.getJobInstanceId())
                                        .resolve("requests.jsonl"))
                        .stream()
                        .filter(line -> line.contains("\"path\":\"/conversations\""))
                        .toList();
        assertThat(creates).hasSize(records);
        for (int i = 0; i < records; i++) {
            assertThat(creates.get(i)).as("create %d", i + 1).contains("about d-" + (i + 1) + "?");
        }
    }

    // ------------------------------------------------------------------ runs

    private record Run(Job job, JobParameters parameters, WorkspaceDirectory directory) {}

    private Run prepare(Path export) throws Exception {
        return prepare(export, false);
    }

    private Run prepare(Path export, boolean dryRun) throws Exception {
        List<ExportFile> files =
                List.of(new ExportFile(export, InputFormat.CONVERSATIONS.format()));
        Preflight.Result checked =
                preflight.check(
                        files,
                        new ReadContext(null, csvMapping.layout(migration.timezone())),
                        dryRun,
                        false);
        JobParameters parameters =
                MigrationParameters.of(
                        files,
                        List.of(Sha256.ofFile(export)),
                        checked.target(),
                        null,
                        null,
                        "migrate --input " + export);
        assertThat(runLeases.acquire(MigrationParameters.leaseKey(parameters))).isEmpty();
        Job job = jobs.migrationJob(checked.directory());
        jobOperatorTestUtils.setJob(job);
        return new Run(job, parameters, checked.directory());
    }

    private static TaskletStep migrateStepOf(Job job) {
        return (TaskletStep) ((StepLocator) job).getStep("migrate");
    }

    private static void onCommit(Job job, Runnable action) {
        migrateStepOf(job)
                .registerChunkListener(
                        new ChunkListener() {
                            @Override
                            public void afterChunk(ChunkContext context) {
                                action.run();
                            }
                        });
    }

    private static void onStepStart(Job job, Consumer<StepExecution> action) {
        migrateStepOf(job)
                .registerStepExecutionListener(
                        new StepExecutionListener() {
                            @Override
                            public void beforeStep(StepExecution stepExecution) {
                                action.accept(stepExecution);
                            }
                        });
    }

    /**
     * The migrate step of a job execution. (Outside the test class: @SpringBatchTest would take a
     * method of it that returns a StepExecution for its factory of them.)
     */
    private static final class Migrate {
        private Migrate() {}

        static StepExecution of(JobExecution execution) {
            return execution.getStepExecutions().stream()
                    .filter(s -> s.getStepName().equals("migrate"))
                    .findFirst()
                    .orElseThrow();
        }
    }

    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(HOLD_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ------------------------------------------------------------------ exports and Intercom

    /**
     * {@code records} conversations {@code prefix-1}, ..., each in one record of three messages.
     */
    private static Path export(String prefix, int records) throws Exception {
        ArrayNode array = JSON.createArrayNode();
        for (int i = 1; i <= records; i++) {
            conversation(array, prefix + "-" + i, i, 3);
        }
        Path export = stateDir.resolve("exports/" + prefix + ".json");
        write(export, array);
        return export;
    }

    /**
     * A record of conversation {@code id} with its first {@code messages} messages: the customer
     * opens it, then agent and customer take turns, a minute apart.
     */
    private static void conversation(ArrayNode array, String id, int day, int messages) {
        ObjectNode conversation = array.addObject();
        conversation
                .put("id", id)
                .put("subject", "Question " + id)
                .put("created_at", opened(day).toString())
                .put("status", "open");
        conversation
                .putObject("contact")
                .put("name", "Customer " + id)
                .put("role", "user")
                .put("email", id + "@customers.example");
        ArrayNode list = conversation.putArray("messages");
        for (int m = 0; m < messages; m++) {
            ObjectNode message = list.addObject().put("id", id + "-m" + (m + 1));
            ObjectNode author = message.putObject("author");
            if (m % 2 == 1) {
                author.put("type", "agent").put("email", AGENT);
            } else {
                author.put("type", "contact");
            }
            message.put("body", m == 0 ? "Hello, about " + id + "?" : "Message " + (m + 1))
                    .put("created_at", opened(day).plusSeconds(60L * m).toString());
        }
    }

    private static Instant opened(int day) {
        return FIRST_OPENED.plus(Duration.ofDays(day));
    }

    private static void write(Path export, ArrayNode array) throws Exception {
        Files.createDirectories(export.getParent());
        Files.writeString(export, JSON.writeValueAsString(array));
    }

    private static boolean isCreateOf(ApiRequest request, String id) {
        return request.method().equals("POST")
                && request.path().equals("/conversations")
                && request.body().toString().contains("about " + id + "?");
    }

    private static List<Conversation> conversationsOf(String id) {
        return intercom.contacts().stream()
                .filter(c -> (id + "@customers.example").equals(c.email()))
                .flatMap(c -> intercom.conversationsOf(c.id()).stream())
                .toList();
    }

    private static List<Long> replyTimes(Conversation conversation) {
        return conversation.parts().stream()
                .filter(p -> !p.partType().equals("close"))
                .map(p -> p.createdAt().getEpochSecond())
                .toList();
    }

    /** The times of the replies a conversation of {@code messages} messages has. */
    private static List<Long> replyTimes(int day, int messages) {
        return IntStream.range(1, messages)
                .mapToObj(m -> opened(day).plusSeconds(60L * m).getEpochSecond())
                .toList();
    }

    private static boolean isComplete(String id, int messages) {
        List<Conversation> found = conversationsOf(id);
        return found.size() == 1
                && replyTimes(found.get(0))
                        .equals(replyTimes(Integer.parseInt(id.substring(2)), messages));
    }

    private static void assertMigratedOnce(String prefix, int records) {
        for (int i = 1; i <= records; i++) {
            List<Conversation> found = conversationsOf(prefix + "-" + i);
            assertThat(found).as("conversation %s-%d in Intercom", prefix, i).hasSize(1);
            assertThat(replyTimes(found.get(0)))
                    .as("replies of %s-%d, each once, in order", prefix, i)
                    .isEqualTo(replyTimes(i, 3));
        }
        assertThat(intercom.notifications()).as("customers notified").isZero();
        assertThat(intercom.internalErrors()).isEmpty();
    }
}
