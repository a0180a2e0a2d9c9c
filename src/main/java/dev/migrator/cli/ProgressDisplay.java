package dev.migrator.cli;

import dev.migrator.intercom.HttpTransport;
import dev.migrator.job.RunProgress;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a running migration's progress: on a terminal, one live bar (records done of the
 * preflight's count, rate, ETA, and the calls, retries and rate-limit waits so far); elsewhere (a
 * log file, CI, cron) one line every {@code logEvery}.
 */
public class ProgressDisplay {

    private final Console console;
    private final RunProgress progress;
    private final HttpTransport http;
    private final Duration logEvery;

    public ProgressDisplay(
            Console console, RunProgress progress, HttpTransport http, Duration logEvery) {
        this.console = console;
        this.progress = progress;
        this.http = http;
        this.logEvery = logEvery;
    }

    /**
     * Starts showing the progress of the run about to start, of {@code total} records; closing
     * stops it.
     */
    public Showing start(long total) {
        progress.reset();
        return new Showing(total, System.console() != null);
    }

    public final class Showing implements AutoCloseable {
        private final long total;
        private final long retriesAtStart = http.retryCount();
        private final long waitsAtStart = http.rateLimitWaitCount();
        private final ScheduledExecutorService ticker =
                Executors.newSingleThreadScheduledExecutor(
                        task -> {
                            Thread thread = new Thread(task, "migrator-progress");
                            thread.setDaemon(true);
                            return thread;
                        });
        private final long startedAtNanos = System.nanoTime();
        private ProgressBar bar;
        private long lastCalls = -1;
        private long lastTick = startedAtNanos;

        private Showing(long total, boolean terminal) {
            this.total = total;
            if (terminal) {
                ticker.scheduleAtFixedRate(this::drawBar, 1, 1, TimeUnit.SECONDS);
            } else {
                ticker.scheduleAtFixedRate(
                        this::writeLine,
                        logEvery.toMillis(),
                        logEvery.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        }

        private void drawBar() {
            long start = progress.recordsAtStart();
            if (start < 0) {
                return;
            }
            if (bar == null) {
                bar =
                        new ProgressBarBuilder()
                                .setTaskName("Migrating")
                                .setInitialMax(total)
                                .setStyle(ProgressBarStyle.ASCII)
                                .setUnit(" records", 1)
                                .showSpeed()
                                .startsFrom(start, Duration.ZERO)
                                .setConsumer(new ConsoleProgressBarConsumer(console.out()))
                                .build();
            }
            bar.stepTo(progress.records());
            bar.setExtraMessage(extras());
        }

        private void writeLine() {
            long start = progress.recordsAtStart();
            if (start < 0) {
                return;
            }
            long now = System.nanoTime();
            if (lastCalls < 0) {
                lastCalls = progress.callsAtStart();
            }
            long records = progress.records();
            long calls = progress.calls();
            double seconds = (now - startedAtNanos) / 1e9;
            double callRate = (calls - lastCalls) / Math.max((now - lastTick) / 1e9, 0.001);
            double recordRate = (records - start) / Math.max(seconds, 0.001);
            String eta =
                    recordRate <= 0 ? "unknown" : duration((long) ((total - records) / recordRate));
            console.say(
                    String.format(
                            Locale.ROOT,
                            "Progress: %d of %d records (%d%%), %.1f calls/s, about %s left; %s.",
                            records,
                            total,
                            total == 0 ? 100 : records * 100 / total,
                            callRate,
                            eta,
                            extras()));
            lastTick = now;
            lastCalls = calls;
        }

        private String extras() {
            return (http.retryCount() - retriesAtStart)
                    + " retries, "
                    + (http.rateLimitWaitCount() - waitsAtStart)
                    + " rate-limit waits"
                    + settling();
        }

        /** While the settle step waits for Intercom's search: how many records, how long. */
        private String settling() {
            RunProgress.Settling settling = progress.settling();
            if (settling.records() == 0) {
                return "";
            }
            long seconds =
                    Math.max(0, (settling.untilMillis() - System.currentTimeMillis() + 999) / 1000);
            return "; settling "
                    + settling.records()
                    + " record(s) in doubt: waiting for Intercom's search, at most "
                    + duration(seconds)
                    + " more";
        }

        @Override
        public void close() {
            ticker.shutdownNow();
            try {
                ticker.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (bar != null) {
                bar.stepTo(progress.records());
                bar.close();
            }
        }
    }

    private static String duration(long seconds) {
        return seconds >= 3600
                ? seconds / 3600 + " h " + seconds % 3600 / 60 + " min"
                : seconds >= 60 ? seconds / 60 + " min " + seconds % 60 + " s" : seconds + " s";
    }
}
