package dev.migrator.intercom;

/**
 * Whether this process may still send to Intercom. The HTTP transport asks it just before each call
 * leaves, after any wait for the rate limit or a retry's backoff, so that a process that has lost
 * the right to send (its run's lease) sends nothing more, however long it was held up.
 */
@FunctionalInterface
public interface SendPermit {

    /** Returns when the call may leave; otherwise throws, saying why. */
    void check();

    /** Calls made outside a run: the preflight's, {@code verify}'s. */
    SendPermit ALWAYS = () -> {};
}
