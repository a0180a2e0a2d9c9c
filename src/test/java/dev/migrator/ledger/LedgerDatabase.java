package dev.migrator.ledger;

import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.json.JsonMapper;

/** A ledger in an in-memory H2 made by the project's own migrations, one database per test. */
public final class LedgerDatabase implements AutoCloseable {

    public final JdbcTemplate jdbc;
    public final Ledger ledger;

    public LedgerDatabase() {
        // Kept open between connections until SHUTDOWN; a name of its own per test.
        DriverManagerDataSource dataSource =
                new DriverManagerDataSource(
                        "jdbc:h2:mem:ledger-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .table("MIGRATOR_SCHEMA_HISTORY")
                .load()
                .migrate();
        jdbc = new JdbcTemplate(dataSource);
        ledger = new Ledger(jdbc, JsonMapper.builder().build());
    }

    @Override
    public void close() {
        jdbc.execute("SHUTDOWN");
    }
}
