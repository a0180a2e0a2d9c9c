package dev.migrator.job;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.launch.support.JobExecutionShutdownHook;
import org.springframework.batch.core.listener.JobExecutionListener;

/**
 * SIGTERM and Ctrl-C: the running job is asked to stop (the migrate step stops reading, and commits
 * the conversations in flight once they have finished), its state is saved as STOPPED, the command
 * reports how to resume, and the process exits with the command's own exit code instead of the
 * signal's.
 */
public class GracefulShutdown implements JobExecutionListener {

    /** Longer than the conversations in flight take to finish; past it the process exits anyway. */
    private static final long GRACE_MINUTES = 5;

    private final JobOperator jobOperator;
    private final CountDownLatch commandDone = new CountDownLatch(1);
    private final CountDownLatch signalled = new CountDownLatch(1);
    private final Thread hook = new Thread(this::onSignal, "migrator-shutdown");
    private volatile JobExecution running;
    private volatile boolean stopRequested;
    private volatile int exitCode = 1;

    public GracefulShutdown(JobOperator jobOperator) {
        this.jobOperator = jobOperator;
    }

    /** From now until {@link #commandFinished}, a signal stops the job cleanly. */
    public void arm() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The command has said everything; a pending signal may now end the process with this code. */
    public void commandFinished(int code) {
        exitCode = code;
        commandDone.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Shutting down already: the hook is waiting for this and exits with the code.
        }
    }

    /**
     * Waits up to {@code timeout} for a signal; true if one came. A watching command idles here
     * between scans.
     */
    public boolean awaitSignal(Duration timeout) throws InterruptedException {
        return signalled.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean signalled() {
        return stopRequested;
    }

    @Override
    public void beforeJob(JobExecution jobExecution) {
        running = jobExecution;
        if (stopRequested) {
            // The signal came during the preflight: stop before the first record is read.
            new JobExecutionShutdownHook(jobExecution, jobOperator).run();
        }
    }

    @Override
    public void afterJob(JobExecution jobExecution) {
        running = null;
    }

    private void onSignal() {
        stopRequested = true;
        signalled.countDown();
        JobExecution execution = running;
        if (execution != null) {
            new JobExecutionShutdownHook(execution, jobOperator).run();
        }
        try {
            commandDone.await(GRACE_MINUTES, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(exitCode);
    }
}
