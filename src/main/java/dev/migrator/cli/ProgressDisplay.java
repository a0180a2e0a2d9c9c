package dev.migrator.cli;

import dev.migrator.intercom.HttpTransport;
import dev.migrator.job.RunProgress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;

/**
 * Shows a running migration's progress: on a terminal, one live line redrawn every second (a gauge
 * of records finished of the preflight's count, calls per second and time left over the last ten
 * seconds, the conversations in flight and what limits them, the retries and rate-limit waits);
 * elsewhere (a log file, CI, cron) the same as one line every {@code logEvery}. While the settle
 * step waits for Intercom's search, it says so, and for how long at most, instead.
 */
public class ProgressDisplay {

    private static final long SAMPLE_EVERY_MILLIS = 1_000;

    private final Console console;
    private final RunProgress progress;
    private final HttpTransport http;
    private final Duration logEvery;
    private final Clock clock;

    public ProgressDisplay(
            Console console, RunProgress progress, HttpTransport http, Duration logEvery) {
        this.console = console;
        this.progress = progress;
        this.http = http;
        this.logEvery = logEvery;
        this.clock = Clock.systemUTC();
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
        private final ProgressText text;
        private final long retriesAtStart = http.retryCount();
        private final long waitsAtStart = http.rateLimitWaitCount();
        private final long httpCallsAtStart = http.callCount();
        private final ScheduledExecutorService ticker =
                Executors.newSingleThreadScheduledExecutor(
                        task -> {
                            Thread thread = new Thread(task, "migrator-progress");
                            thread.setDaemon(true);
                            return thread;
                        });
        private final ConsoleProgressBarConsumer bar;
        private final long ticksPerLine = Math.max(1, logEvery.toMillis() / SAMPLE_EVERY_MILLIS);
        private long ticks;

        private Showing(long total, boolean terminal) {
            this.text = new ProgressText(total);
            this.bar = terminal ? new ConsoleProgressBarConsumer(console.out()) : null;
            ticker.scheduleAtFixedRate(
                    this::tick, SAMPLE_EVERY_MILLIS, SAMPLE_EVERY_MILLIS, TimeUnit.MILLISECONDS);
        }

        private void tick() {
            if (progress.recordsAtStart() < 0 && progress.settling().records() == 0) {
                // Neither step has started (a resumed run may go straight to settling).
                return;
            }
            sample();
            ticks++;
            if (bar != null) {
                draw();
            } else if (ticks % ticksPerLine == 0) {
                console.say(text.line());
            }
        }

        private void sample() {
            // The live count of the HTTP client moves call by call; a dry run makes no HTTP call,
            // and its steps count the requests they write. Both only grow, and so does their max.
            long calls =
                    Math.max(
                            http.callCount() - httpCallsAtStart,
                            progress.calls() - progress.callsAtStart());
            text.add(
                    new ProgressText.Sample(
                            clock.millis(),
                            progress.records(),
                            calls,
                            progress.flight(),
                            progress.settling(),
                            http.retryCount() - retriesAtStart,
                            http.rateLimitWaitCount() - waitsAtStart));
        }

        private void draw() {
            String line = text.bar();
            int width = bar.getMaxRenderedLength() - 1;
            bar.accept(line.length() < width ? line + " ".repeat(width - line.length()) : line);
        }

        @Override
        public void close() {
            ticker.shutdownNow();
            try {
                ticker.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (bar != null && ticks > 0) {
                sample();
                draw();
                bar.close();
            }
        }
    }
}
