package dev.migrator.undo;

import dev.migrator.intercom.HttpTransport;
import dev.migrator.intercom.IntercomApi;
import dev.migrator.job.MigrationProperties;
import dev.migrator.job.RunLeases;
import dev.migrator.ledger.Ledger;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(UndoProperties.class)
public class UndoConfiguration {

    @Bean
    Undo undo(
            IntercomApi liveIntercomApi,
            HttpTransport httpTransport,
            JsonMapper jsonMapper,
            Ledger ledger,
            RunLeases runLeases,
            JobRepository jobRepository,
            UndoProperties undoProperties,
            MigrationProperties migration) {
        return new Undo(
                liveIntercomApi,
                httpTransport,
                jsonMapper,
                ledger,
                runLeases,
                jobRepository,
                undoProperties,
                migration.stateDir());
    }
}
