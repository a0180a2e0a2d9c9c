package dev.migrator.cli;

import dev.migrator.job.RunProgress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * What the progress display says, from samples of the run's live figures: the rates and the time
 * left come from the samples of the last ten seconds, not from the whole run, so that they say what
 * is happening now. Not thread-safe: one ticker samples and prints.
 */
final class ProgressText {

    static final long WINDOW_MILLIS = 10_000;
    private static final int GAUGE_WIDTH = 20;

    /**
     * The run's figures at one moment: records finished and calls made so far; the sending in
     * flight ({@code null} when not sending); the settle step's wait; retries and rate-limit waits
     * since the display started.
     */
    record Sample(
            long atMillis,
            long records,
            long calls,
            RunProgress.Flight flight,
            RunProgress.Settling settling,
            long retries,
            long rateLimitWaits) {}

    private final long total;

    /** The last ten seconds' samples, and the newest one older than that: the window's start. */
    private final Deque<Sample> recent = new ArrayDeque<>();

    ProgressText(long total) {
        this.total = total;
    }

    void add(Sample sample) {
        recent.addLast(sample);
        while (recent.size() > 2 && second().atMillis() <= sample.atMillis() - WINDOW_MILLIS) {
            recent.removeFirst();
        }
    }

    private Sample second() {
        Iterator<Sample> samples = recent.iterator();
        samples.next();
        return samples.next();
    }

    /** Calls per second over the last ten seconds; negative when not known yet. */
    double callsPerSecond() {
        return rate(Sample::calls);
    }

    /** Records finished per second over the last ten seconds; negative when not known yet. */
    double recordsPerSecond() {
        return rate(Sample::records);
    }

    private double rate(ToLongFunction<Sample> figure) {
        if (recent.size() < 2) {
            return -1;
        }
        long millis = recent.getLast().atMillis() - recent.getFirst().atMillis();
        if (millis <= 0) {
            return -1;
        }
        return (figure.applyAsLong(recent.getLast()) - figure.applyAsLong(recent.getFirst()))
                * 1000.0
                / millis;
    }

    /** The log line: one sentence. */
    String line() {
        return "Progress: " + body() + ".";
    }

    /** The terminal's bar: a gauge, then what the log line says. */
    String bar() {
        Sample now = recent.getLast();
        if (settling(now)) {
            return "Settling: " + body();
        }
        if (total < 0) {
            return "Migrating: " + body(); // a dry run: how many records there are is not known
        }
        int filled =
                total <= 0
                        ? GAUGE_WIDTH
                        : (int) Math.min(GAUGE_WIDTH, now.records() * GAUGE_WIDTH / total);
        return "Migrating ["
                + "=".repeat(filled)
                + (filled < GAUGE_WIDTH ? ">" + " ".repeat(GAUGE_WIDTH - filled - 1) : "")
                + "] "
                + body();
    }

    private String body() {
        Sample now = recent.getLast();
        StringBuilder text = new StringBuilder();
        text.append(now.records());
        if (total >= 0) {
            text.append(" of ").append(total);
        }
        text.append(" records");
        if (settling(now)) {
            long seconds =
                    Math.max(0, (now.settling().untilMillis() - now.atMillis() + 999) / 1000);
            text.append("; waiting for Intercom's search to confirm ")
                    .append(now.settling().records())
                    .append(now.settling().records() == 1 ? " record" : " records")
                    .append(", at most ")
                    .append(duration(seconds))
                    .append(" more");
        } else {
            text.append(
                    total < 0
                            ? ", "
                            : " ("
                                    + (total == 0
                                            ? 100
                                            : Math.min(100, now.records() * 100 / total))
                                    + "%), ");
            double calls = callsPerSecond();
            double records = recordsPerSecond();
            text.append(
                    calls < 0
                            ? "calls/s not known yet"
                            : String.format(Locale.ROOT, "%.1f calls/s", calls));
            text.append(
                    total < 0
                            ? ""
                            : records > 0
                                    ? ", about "
                                            + duration(
                                                    Math.round((total - now.records()) / records))
                                            + " left"
                                    : ", time left unknown");
            if (now.flight() != null) {
                text.append("; ")
                        .append(now.flight().inFlight())
                        .append(" in flight (limit ")
                        .append(now.flight().limit())
                        .append(": ")
                        .append(now.flight().limitedBy())
                        .append(")");
            }
        }
        return text.append("; ")
                .append(now.retries())
                .append(" retries, ")
                .append(now.rateLimitWaits())
                .append(" rate-limit waits")
                .toString();
    }

    private static boolean settling(Sample sample) {
        return sample.settling() != null && sample.settling().records() > 0;
    }

    static String duration(long seconds) {
        return seconds >= 3600
                ? seconds / 3600 + " h " + seconds % 3600 / 60 + " min"
                : seconds >= 60 ? seconds / 60 + " min " + seconds % 60 + " s" : seconds + " s";
    }
}
