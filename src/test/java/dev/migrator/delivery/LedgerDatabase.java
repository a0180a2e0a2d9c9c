package dev.migrator.delivery;

import dev.migrator.ledger.Ledger;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** A ledger in an in-memory H2 made by the project's own migrations, one database per test. */
final class LedgerDatabase implements AutoCloseable {

    final JdbcTemplate jdbc;
    final Ledger ledger;

    LedgerDatabase() {
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
        ledger = new Ledger(jdbc, ScriptedTransport.JSON);
    }

    @Override
    public void close() {
        jdbc.execute("SHUTDOWN");
    }
}
