package dev.migrator.config;

import dev.migrator.intercom.HttpTransport;
import dev.migrator.intercom.IntercomApi;
import dev.migrator.job.Preflight;
import dev.migrator.job.RunLeases;
import dev.migrator.ledger.Ledger;
import dev.migrator.report.RunReport;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/** The parts every command shares: the Intercom client, the ledger and the workers. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({IntercomProperties.class, MigrationProperties.class, CsvMappingProperties.class})
public class MigratorConfiguration {

    @Bean
    JsonMapper jsonMapper() {
        return JsonMapper.builder().build();
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    HttpTransport httpTransport(IntercomProperties intercom, JsonMapper jsonMapper, Clock clock) {
        return new HttpTransport(intercom, jsonMapper, clock);
    }

    @Bean
    IntercomApi liveIntercomApi(HttpTransport httpTransport, JsonMapper jsonMapper) {
        return new IntercomApi(httpTransport, jsonMapper);
    }

    @Bean
    Ledger ledger(JdbcTemplate jdbcTemplate, JsonMapper jsonMapper) {
        return new Ledger(jdbcTemplate, jsonMapper);
    }

    @Bean
    Preflight preflight(IntercomProperties intercom, MigrationProperties migration, IntercomApi liveIntercomApi) {
        return new Preflight(intercom, migration, liveIntercomApi);
    }

    /**
     * The job repository: {@code spring.datasource.*} when configured (PostgreSQL, say), else an H2
     * file in the state directory. H2 needs that path absolute, so it is made here rather than in YAML.
     * WRITE_DELAY=0: H2 otherwise keeps a second of commits in memory, and a {@code kill -9} would
     * take ledger entries with it (the crash test caught a part sent twice that way).
     */
    @Bean
    JdbcConnectionDetails jobRepositoryDatabase(Environment environment, MigrationProperties migration) {
        String configuredUrl = environment.getProperty("spring.datasource.url");
        String url = configuredUrl != null ? configuredUrl : "jdbc:h2:file:"
                + migration.stateDir().toAbsolutePath().normalize().resolve("migrator") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
        String username = environment.getProperty("spring.datasource.username", configuredUrl == null ? "sa" : null);
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

    /** Heartbeats every 5 s; a lease unrefreshed for 30 s belongs to a process that is gone. */
    @Bean
    RunLeases runLeases(JdbcTemplate jdbcTemplate, Clock clock) {
        return new RunLeases(jdbcTemplate, clock, Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    @Bean
    RunReport runReport(Ledger ledger, MigrationProperties migration, JsonMapper jsonMapper) {
        return new RunReport(ledger, migration, jsonMapper);
    }

    /** Bounds the conversations in flight; each worker sends one conversation's parts in order. */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService migrationWorkers(MigrationProperties migration) {
        AtomicInteger threads = new AtomicInteger();
        return Executors.newFixedThreadPool(migration.concurrency(), task -> {
            Thread thread = new Thread(task, "migrator-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }
}
