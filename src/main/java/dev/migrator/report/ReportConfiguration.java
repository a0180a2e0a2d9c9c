package dev.migrator.report;

import dev.migrator.job.MigrationProperties;
import dev.migrator.ledger.Ledger;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The run's files: written by the runner when a run ends, and again by {@code report}. */
@Configuration(proxyBeanMethods = false)
public class ReportConfiguration {

    @Bean
    RunReport runReport(Ledger ledger, MigrationProperties migration, JsonMapper jsonMapper) {
        return new RunReport(ledger, migration, jsonMapper);
    }
}
