package dev.migrator.ledger;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

/** The ledger, in the job-repository database; Flyway keeps its tables (db/migration). */
@Configuration(proxyBeanMethods = false)
public class LedgerConfiguration {

    @Bean
    Ledger ledger(JdbcTemplate jdbcTemplate, JsonMapper jsonMapper) {
        return new Ledger(jdbcTemplate, jsonMapper);
    }
}
