package dev.migrator.job;

import dev.migrator.delivery.AdminDirectory;
import dev.migrator.delivery.ConversationMigrator;
import dev.migrator.delivery.DeliveryOptions;
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
 * Intercom. A run sends, and writes its intents to the ledger, only while it holds its lease.
 */
record RunParts(
        HttpTransport httpTransport,
        JsonMapper jsonMapper,
        Ledger ledger,
        IntercomProperties intercom,
        MigrationProperties migration,
        Clock clock,
        ExecutorService workers,
        RunProgress progress,
        RunLeases leases) {

    IntercomTransport dryRunTransport(long runId) {
        return new DryRunTransport(migration.runDir(runId).resolve("requests.jsonl"), jsonMapper);
    }

    /** Intercom, each call leaving only while the run's lease holds. */
    IntercomTransport liveTransport(RunLeases.Lease lease) {
        return httpTransport.permittedBy(lease);
    }

    /** The run's migrator, on the ledger's view fenced with the run's lease. */
    ConversationMigrator migrator(
            IntercomTransport transport,
            AdminDirectory admins,
            String workspace,
            long runId,
            ConversationMigrator.Mode mode,
            RunLeases.Lease lease,
            boolean adoptExisting) {
        return new ConversationMigrator(
                new IntercomApi(transport, jsonMapper),
                ledger.fencedBy(lease),
                admins,
                workspace,
                runId,
                inDoubtWindow(),
                clock,
                mode,
                new DeliveryOptions(
                        migration.sourceAttributeName(),
                        adoptExisting,
                        migration.recreateDeleted()));
    }

    /**
     * How long after a create in doubt "not found" may be believed: the search lag, plus the
     * request timeout, since a create can reach Intercom at the far end of it.
     */
    private Duration inDoubtWindow() {
        return intercom.searchLag().plus(intercom.timeout());
    }
}
