package dev.migrator.job;

import dev.migrator.attachments.AttachmentCarrier;
import dev.migrator.attachments.AttachmentDownloads;
import dev.migrator.attachments.AttachmentProperties;
import dev.migrator.attachments.SourceCredentials;
import dev.migrator.delivery.ConversationMigrator;
import dev.migrator.delivery.DeliveryOptions;
import dev.migrator.delivery.WorkspaceDirectory;
import dev.migrator.intercom.DryRunTransport;
import dev.migrator.intercom.HttpTransport;
import dev.migrator.intercom.IntercomApi;
import dev.migrator.intercom.IntercomProperties;
import dev.migrator.intercom.IntercomTransport;
import dev.migrator.ledger.DeliveryLedger;
import dev.migrator.ledger.Ledger;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import org.springframework.batch.core.job.parameters.JobParameters;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the writers of every run are made of. A dry run writes its requests file instead of calling
 * Intercom, and keeps what it sent in memory instead of the ledger. A run sends, and writes its
 * intents to the ledger, only while it holds its lease.
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
        RunLeases leases,
        DryRuns dryRuns,
        AttachmentProperties attachments,
        SourceCredentials sourceCredentials) {

    /**
     * Through the real client, each call leaving only while the run's lease (which the runner took)
     * holds; or, for a dry run, through a transport that writes the run's requests file.
     */
    IntercomTransport transport(JobParameters parameters, long runId) {
        return MigrationParameters.isDryRun(parameters.getString(MigrationParameters.TARGET))
                ? new DryRunTransport(migration.runDir(runId).resolve("requests.jsonl"), jsonMapper)
                : httpTransport.permittedBy(lease(parameters));
    }

    /**
     * The run's migrator, on the ledger's view fenced with the run's lease; for a dry run, on its
     * bookkeeping in memory.
     */
    ConversationMigrator migrator(
            IntercomTransport transport,
            WorkspaceDirectory directory,
            JobParameters parameters,
            long runId,
            ConversationMigrator.Mode mode) {
        boolean dryRun =
                MigrationParameters.isDryRun(parameters.getString(MigrationParameters.TARGET));
        DeliveryLedger sent = dryRun ? dryRuns.of(runId) : ledger.fencedBy(lease(parameters));
        return new ConversationMigrator(
                new IntercomApi(transport, jsonMapper),
                sent,
                directory,
                MigrationParameters.ledgerWorkspace(
                        parameters.getString(MigrationParameters.TARGET), runId),
                runId,
                inDoubtWindow(),
                clock,
                mode,
                new DeliveryOptions(
                        migration.sourceAttributeName(),
                        MigrationParameters.adoptsExisting(parameters),
                        migration.recreateDeleted()),
                dryRun ? AttachmentCarrier.links() : carrier(runId));
    }

    /**
     * How the run's attachments reach Intercom; the files it downloads wait in the run's {@code
     * downloads} directory until their part is sent (what a dead process left there is deleted
     * first: a step starts with nothing in flight). A dry run downloads nothing: every attachment
     * goes as its URL in its requests file.
     */
    private AttachmentCarrier carrier(long runId) {
        AttachmentDownloads downloads =
                new AttachmentDownloads(
                        migration.runDir(runId).resolve("downloads"),
                        intercom.timeout(),
                        intercom.retry(),
                        clock,
                        AttachmentDownloads.Sleeper.THREAD,
                        httpTransport.inFlightWindow()::workedBetweenCalls);
        downloads.deleteLeftovers();
        return new AttachmentCarrier(attachments, sourceCredentials, downloads);
    }

    private RunLeases.Lease lease(JobParameters parameters) {
        return leases.held(MigrationParameters.leaseKey(parameters));
    }

    /**
     * How long after a create in doubt "not found" may be believed: the search lag, plus the
     * request timeout, since a create can reach Intercom at the far end of it.
     */
    private Duration inDoubtWindow() {
        return intercom.searchLag().plus(intercom.timeout());
    }
}
