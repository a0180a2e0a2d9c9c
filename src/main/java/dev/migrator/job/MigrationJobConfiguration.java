package dev.migrator.job;

import dev.migrator.attachments.AttachmentProperties;
import dev.migrator.attachments.SourceCredentials;
import dev.migrator.intercom.HttpTransport;
import dev.migrator.intercom.IntercomApi;
import dev.migrator.intercom.IntercomProperties;
import dev.migrator.ledger.Ledger;
import dev.migrator.mapping.ConversationPlanner;
import dev.migrator.mapping.InboxMappingProperties;
import dev.migrator.source.csv.CsvMappingProperties;
import dev.migrator.source.format.ReadContext;
import dev.migrator.source.input.ExportReader;
import io.micrometer.observation.ObservationRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * The migration job's parts, the runner that starts it, and the job-repository database that keeps
 * it.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({MigrationProperties.class, InboxMappingProperties.class})
public class MigrationJobConfiguration {

    @Bean
    MigrationRunner migrationRunner(
            JobOperator jobOperator,
            JobRepository jobRepository,
            MigrationJobFactory jobs,
            Preflight preflight,
            RunLeases runLeases,
            MigrationRunner.RunRecorder recorder,
            Ledger ledger,
            DryRuns dryRuns,
            MigrationProperties migration,
            CsvMappingProperties csvMapping) {
        return new MigrationRunner(
                jobOperator,
                jobRepository,
                jobs,
                preflight,
                runLeases,
                recorder,
                ledger,
                dryRuns,
                migration,
                csvMapping);
    }

    @Bean
    MigrationJobFactory migrationJobFactory(
            JobRepository jobRepository,
            PlatformTransactionManager transactionManager,
            ExportReader exportReader,
            ConversationPlanner conversationPlanner,
            CreatesInDoubt createsInDoubt,
            GracefulShutdown gracefulShutdown,
            MigrationProperties migration,
            RunParts runParts,
            ObjectProvider<ObservationRegistry> observations) {
        return new MigrationJobFactory(
                jobRepository,
                transactionManager,
                exportReader,
                conversationPlanner,
                createsInDoubt,
                gracefulShutdown,
                migration,
                runParts,
                observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    @Bean
    RunParts runParts(
            HttpTransport httpTransport,
            JsonMapper jsonMapper,
            Ledger ledger,
            IntercomProperties intercom,
            MigrationProperties migration,
            Clock clock,
            ExecutorService migrationWorkers,
            RunProgress runProgress,
            RunLeases runLeases,
            DryRuns dryRuns,
            AttachmentProperties attachments,
            SourceCredentials sourceCredentials) {
        return new RunParts(
                httpTransport,
                jsonMapper,
                ledger,
                intercom,
                migration,
                clock,
                migrationWorkers,
                runProgress,
                runLeases,
                dryRuns,
                attachments,
                sourceCredentials);
    }

    @Bean
    DryRuns dryRuns() {
        return new DryRuns();
    }

    @Bean
    Preflight preflight(
            IntercomProperties intercom,
            MigrationProperties migration,
            IntercomApi liveIntercomApi,
            Ledger ledger,
            ConversationPlanner conversationPlanner) {
        return new Preflight(intercom, migration, liveIntercomApi, ledger, conversationPlanner);
    }

    @Bean
    CreatesInDoubt createsInDoubt(Ledger ledger) {
        return new CreatesInDoubt(ledger);
    }

    @Bean
    GracefulShutdown gracefulShutdown(JobOperator jobOperator) {
        return new GracefulShutdown(jobOperator);
    }

    /**
     * Reads the run's inputs, as its job parameters name them, checking them against their
     * checksums.
     */
    @Bean
    @StepScope
    ExportReader exportReader(
            @Value("#{jobParameters['" + MigrationParameters.INPUTS + "']}") String inputs,
            @Value("#{jobParameters['" + MigrationParameters.FORMATS + "']}") String formats,
            @Value("#{jobParameters['" + MigrationParameters.CHECKSUMS + "']}") String checksums,
            @Value("#{jobParameters['" + MigrationParameters.USERS + "']}") String users,
            @Value("#{jobParameters['" + MigrationParameters.USERS_CHECKSUM + "']}")
                    String usersChecksum,
            CsvMappingProperties csvMapping,
            MigrationProperties migration) {
        return new ExportReader(
                MigrationParameters.files(inputs, formats),
                MigrationParameters.checksums(checksums),
                new ReadContext(
                        users == null ? null : Path.of(users),
                        csvMapping.layout(migration.timezone())),
                usersChecksum);
    }

    @Bean
    ConversationPlanner conversationPlanner(
            MigrationProperties migration, InboxMappingProperties inbox, Clock clock) {
        return new ConversationPlanner(migration.timezone(), clock, inbox);
    }

    @Bean
    RunProgress runProgress() {
        return new RunProgress();
    }

    /**
     * A thread per conversation in flight, as many as the migrate step's window lets in (it bounds
     * them, not this pool); idle ones end after a minute.
     */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService migrationWorkers() {
        AtomicInteger threads = new AtomicInteger();
        return Executors.newCachedThreadPool(
                task -> {
                    Thread thread = new Thread(task, "migrator-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /**
     * A lease lasts {@code migration.lease-duration} (30 s) after its last heartbeat, which comes
     * every sixth of it.
     */
    @Bean
    RunLeases runLeases(JdbcTemplate jdbcTemplate, MigrationProperties migration, Clock clock) {
        return new RunLeases(jdbcTemplate, migration.leaseDuration(), clock);
    }

    /**
     * The job repository: {@code spring.datasource.*} when configured (PostgreSQL, say), else an H2
     * file in the state directory. H2 needs that path absolute, so it is made here rather than in
     * YAML. WRITE_DELAY=0: H2 otherwise keeps a second of commits in memory, and a {@code kill -9}
     * would take ledger entries with it (the crash test caught a part sent twice that way).
     */
    @Bean
    JdbcConnectionDetails jobRepositoryDatabase(
            Environment environment, MigrationProperties migration) {
        String configuredUrl = environment.getProperty("spring.datasource.url");
        String url =
                configuredUrl != null
                        ? configuredUrl
                        : "jdbc:h2:file:"
                                + migration
                                        .stateDir()
                                        .toAbsolutePath()
                                        .normalize()
                                        .resolve("migrator")
                                + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
        String username =
                environment.getProperty(
                        "spring.datasource.username", configuredUrl == null ? "sa" : null);
        String password = environment.getProperty("spring.datasource.password", "");
        return new JdbcConnectionDetails() {
            @Override
            public String getUsername() {
                return username;
            }

            @Override
            public String getPassword() {
                return password;
            }

            @Override
            public String getJdbcUrl() {
                return url;
            }
        };
    }
}
