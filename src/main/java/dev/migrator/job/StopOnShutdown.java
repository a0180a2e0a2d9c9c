package dev.migrator.job;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.launch.support.JobExecutionShutdownHook;
import org.springframework.batch.core.listener.JobExecutionListener;

/**
 * On SIGTERM or Ctrl-C, asks the running job to stop after its current chunk, so its state is
 * saved as STOPPED and the same command resumes it.
 */
public class StopOnShutdown implements JobExecutionListener {

    private final JobOperator jobOperator;
    private Thread hook;

    public StopOnShutdown(JobOperator jobOperator) {
        this.jobOperator = jobOperator;
    }

    @Override
    public synchronized void beforeJob(JobExecution jobExecution) {
        hook = new JobExecutionShutdownHook(jobExecution, jobOperator);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public synchronized void afterJob(JobExecution jobExecution) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook is running and will see the job end.
        }
    }
}
