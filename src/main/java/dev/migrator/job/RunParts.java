package dev.migrator.job;

import dev.migrator.delivery.AdminDirectory;
import dev.migrator.delivery.ConversationMigrator;
import dev.migrator.intercom.DryRunTransport;
import dev.migrator.intercom.HttpTransport;
import dev.migrator.intercom.IntercomApi;
import dev.migrator.intercom.IntercomProperties;
import dev.migrator.intercom.IntercomTransport;
import dev.migrator.ledger.Ledger;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the writers of every run are made of. A dry run writes its requests file instead of calling
 * Intercom.
 */
record RunParts(
        HttpTransport httpTransport,
        JsonMapper jsonMapper,
        Ledger ledger,
        IntercomProperties intercom,
        MigrationProperties migration,
        Clock clock,
        ExecutorService workers,
        RunProgress progress) {

    /**
     * Through the real client, or for a dry run through a transport that writes the run's requests
     * file.
     */
    IntercomTransport transport(String target, long runId) {
        return MigrationParameters.isDryRun(target)
                ? new DryRunTransport(migration.runDir(runId).resolve("requests.jsonl"), jsonMapper)
                : httpTransport;
    }

    ConversationMigrator migrator(
            IntercomTransport transport,
            AdminDirectory admins,
            String workspace,
            long runId,
            ConversationMigrator.Mode mode) {
        return new ConversationMigrator(
                new IntercomApi(transport, jsonMapper),
                ledger,
                admins,
                workspace,
                runId,
                inDoubtWindow(),
                clock,
                mode);
    }

    /**
     * How long after a create in doubt "not found" may be believed: the search lag, plus the
     * request timeout, since a create can reach Intercom at the far end of it.
     */
    private Duration inDoubtWindow() {
        return intercom.searchLag().plus(intercom.timeout());
    }
}
