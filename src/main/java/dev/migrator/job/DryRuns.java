package dev.migrator.job;

import dev.migrator.ledger.DryRunLedger;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bookkeeping of each dry run this process is running, by run id: in memory only, from the
 * run's start to its end (see {@link DryRunLedger}).
 */
final class DryRuns {

    private final Map<Long, DryRunLedger> bookkeeping = new ConcurrentHashMap<>();

    /** The run's bookkeeping, made on first use. */
    DryRunLedger of(long runId) {
        return bookkeeping.computeIfAbsent(runId, id -> new DryRunLedger());
    }

    /** The run's bookkeeping, forgotten here: the run has ended, and starts over if run again. */
    Optional<DryRunLedger> end(long runId) {
        return Optional.ofNullable(bookkeeping.remove(runId));
    }
}
