package dev.migrator.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.ledger.Ledger.ConversationState;
import dev.migrator.ledger.Ledger.CreatedCompany;
import dev.migrator.ledger.Ledger.CreatedConversation;
import dev.migrator.ledger.Ledger.RunScope;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.json.JsonMapper;

/** What the ledger says the migrator created, for undo, and what it forgets once undone. */
class LedgerUndoTest {

    private static final String WS = "ws1";

    private final DriverManagerDataSource dataSource =
            new DriverManagerDataSource(
                    "jdbc:h2:mem:undo-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
    private final JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    private final Ledger ledger = new Ledger(jdbc, JsonMapper.builder().build());

    @AfterEach
    void shutDown() {
        jdbc.execute("SHUTDOWN");
    }

    private void migrateTo(String version) {
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .table("MIGRATOR_SCHEMA_HISTORY")
                .target(
                        version == null
                                ? MigrationVersion.LATEST
                                : MigrationVersion.fromVersion(version))
                .load()
                .migrate();
    }

    @Test
    void rowsOfEarlierVersionsCountAsCreatedOnlyForConversationsWhoseCreateWasIntended() {
        migrateTo("8");
        jdbc.update(
                "INSERT INTO MIGRATOR_CONVERSATION (WORKSPACE, SOURCE_ID, STATE, CONTACT_ID,"
                        + " OPENING_KEY, CREATED_AT, ATTEMPTED_AT, INTERCOM_ID, RUN_ID) VALUES"
                        + " (?, 'created', 'COMPLETE', 'k1', 'o', 1, 1700000000, 'conv-1', 3),"
                        + " (?, 'adopted', 'COMPLETE', 'k1', 'o', 1, 0, 'conv-2', 3)",
                WS,
                WS);
        jdbc.update(
                "INSERT INTO MIGRATOR_CONTACT (WORKSPACE, CONTACT_KEY, INTERCOM_ID) VALUES (?,"
                        + " 'email:a@b.c', 'k1')",
                WS);
        jdbc.update(
                "INSERT INTO MIGRATOR_COMPANY (WORKSPACE, COMPANY_ID, INTERCOM_ID) VALUES (?,"
                        + " 'org', 'co-1')",
                WS);

        migrateTo(null);

        assertThat(ledger.createdConversations(WS, RunScope.all()))
                .containsExactly(
                        new CreatedConversation(
                                "created", ConversationState.COMPLETE, "conv-1", "k1", 3));
        assertThat(ledger.createdContacts(WS, RunScope.all())).isEmpty();
        assertThat(ledger.createdCompanies(WS, RunScope.all())).isEmpty();
        assertThat(ledger.contactKeepsConversations(WS, "k1", RunScope.of(3)))
                .as("the adopted conversation is not undone")
                .isTrue();
    }

    @Test
    void anUndoneConversationIsForgottenButRememberedAsGoneUntilTheUndoFinishes() {
        migrateTo(null);
        ledger.conversationCreating(WS, "s1", "k1", "o", 1, 1700000000, 4);
        ledger.conversationCreated(WS, "s1", "conv-1", 4);
        ledger.conversationCreating(WS, "s2", "k1", "o", 1, 1700000000, 5);
        ledger.saveContact(WS, "email:a@b.c", "k1", 4L);
        ledger.saveCompany(WS, "org", "co-1", 4L);
        ledger.contactAttached(WS, "k1", "co-1");

        assertThat(ledger.createdConversations(WS, RunScope.of(4)))
                .extracting(CreatedConversation::sourceId)
                .containsExactly("s1");
        assertThat(ledger.contactKeepsConversations(WS, "k1", RunScope.of(4)))
                .as("s2, of run 5, stays")
                .isTrue();
        assertThat(ledger.contactKeepsConversations(WS, "k1", RunScope.all())).isFalse();

        ledger.conversationUndone(WS, "s1", "conv-1");
        ledger.conversationUndone(WS, "s1", "conv-1"); // a re-run after a crash
        ledger.contactUndone(WS, "k1");
        ledger.companyUndone(WS, "co-1");

        assertThat(ledger.conversation(WS, "s1")).isEmpty();
        assertThat(ledger.undoneConversations(WS)).containsExactly("conv-1");
        assertThat(ledger.contactId(WS, "email:a@b.c")).isEmpty();
        assertThat(ledger.createdCompanies(WS, RunScope.all())).isEmpty();
        assertThat(ledger.contactsOfCompany(WS, "co-1")).isEmpty();
        assertThat(ledger.undoGeneration(WS)).isZero();

        ledger.undoFinished(WS);
        ledger.undoFinished(WS);

        assertThat(ledger.undoGeneration(WS)).isEqualTo(2);
        assertThat(ledger.undoneConversations(WS)).isEmpty();
        assertThat(ledger.undoGeneration("other")).isZero();
    }

    @Test
    void aContactFoundByOneWorkerWhileAnotherCreatedItIsStillTheCreatorsRuns() {
        migrateTo(null);

        ledger.saveContact(WS, "email:a@b.c", "k1", null);
        ledger.saveContact(WS, "email:a@b.c", "k1", 6L);
        ledger.saveCompany(WS, "org", "co-1", null);
        ledger.saveCompany(WS, "org", "co-1", 6L);

        assertThat(ledger.createdContacts(WS, RunScope.of(6))).containsExactly("k1");
        assertThat(ledger.createdCompanies(WS, RunScope.of(6)))
                .containsExactly(new CreatedCompany("org", "co-1"));
    }
}
