package dev.migrator.ledger;

/**
 * The run's lease that fences a view of the ledger ({@link Ledger#fencedBy}): the view's intent
 * writes, made just before a create, reply or close is sent, take effect only while this owner
 * holds the lease in {@code MIGRATOR_LEASE}, fresh by the database's clock, checked in the same
 * statement as the write. A process that lost the run (paused past its lease, cut off from the
 * database) so records no intent, and sends nothing that the process which took the run over does
 * not know to look for.
 */
public interface Fence {

    /**
     * Now by the database's clock, in epoch milliseconds, on H2 and PostgreSQL alike: every process
     * judges a lease by this one clock, whatever its own says.
     */
    String DATABASE_NOW_MILLIS = "CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000 AS BIGINT)";

    /**
     * The lease row is held by this owner and fresh. Parameters: the run key, the owner's token,
     * the lease's duration in milliseconds. A lease that has gone stale is never refreshed: another
     * process may be taking it over.
     */
    String HELD =
            "RUN_KEY = ? AND OWNER_TOKEN = ? AND RELEASED = FALSE AND HEARTBEAT_AT >= "
                    + DATABASE_NOW_MILLIS
                    + " - ?";

    String runKey();

    String ownerToken();

    long durationMillis();

    /** What a fenced write throws when the lease is no longer held: the run must stop. */
    RuntimeException refused();
}
