package dev.migrator.intercom;

/**
 * How many conversations a run may have in flight at once, learned from Intercom's answers. (Stub
 * of issue 14's API: a fixed window until the adaptive rule lands.)
 */
public class InFlightWindow {

    /** What holds the window where it is. */
    public enum Bound {
        /** The window is sized to fill the server's rate limit; the limit holds calls back. */
        RATE_LIMIT("Intercom's rate limit"),
        /** The window is still growing toward what the measured answer time needs. */
        LATENCY("answer time"),
        /** Backing off after 429s, 5xx answers or failed calls. */
        BACKING_OFF("backing off after errors");

        private final String description;

        Bound(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /** Conversations that may be in flight now (at least 1). */
    public int limit() {
        return 8;
    }

    /** What holds the window at {@link #limit()}. */
    public Bound bound() {
        return Bound.LATENCY;
    }
}
