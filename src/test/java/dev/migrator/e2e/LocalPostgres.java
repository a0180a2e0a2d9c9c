package dev.migrator.e2e;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Assumptions;

/**
 * A database of a test's own on the local PostgreSQL (127.0.0.1:5432, user postgres, trust auth),
 * dropped when closed. Where there is none, the test is skipped and says why.
 */
final class LocalPostgres implements AutoCloseable {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";

    private final String database;

    private LocalPostgres(String database) {
        this.database = database;
    }

    static LocalPostgres createDatabase(String prefix) {
        String database = prefix + "_" + Long.toHexString(System.nanoTime());
        try (Connection admin = DriverManager.getConnection(SERVER + "test", "postgres", "");
                Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            Assumptions.abort(
                    "PostgreSQL is not reachable at 127.0.0.1:5432 as user postgres ("
                            + e.getMessage()
                            + "): the PostgreSQL variant is skipped");
        }
        return new LocalPostgres(database);
    }

    /** For a test that looks into the job repository itself (user postgres, no password). */
    String jdbcUrl() {
        return SERVER + database;
    }

    /** The configuration lines that make the migrator use this database as its job repository. */
    String config() {
        return """
        spring.datasource.url: %s%s
        spring.datasource.username: postgres
        """
                .formatted(SERVER, database);
    }

    @Override
    public void close() throws SQLException {
        try (Connection admin = DriverManager.getConnection(SERVER + "test", "postgres", "");
                Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }
}
