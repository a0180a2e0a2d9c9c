package dev.migrator.job;

import dev.migrator.ledger.Ledger;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.flow.FlowExecutionStatus;
import org.springframework.batch.core.job.flow.JobExecutionDecider;
import org.springframework.batch.core.step.StepExecution;

/** After the migrate step: settle the run's creates still in doubt, if any, else finish. */
public class CreatesInDoubt implements JobExecutionDecider {

    static final String SETTLE = "SETTLE";

    private final Ledger ledger;

    public CreatesInDoubt(Ledger ledger) {
        this.ledger = ledger;
    }

    @Override
    public FlowExecutionStatus decide(JobExecution jobExecution, StepExecution stepExecution) {
        long runId = jobExecution.getJobInstanceId();
        String target = jobExecution.getJobParameters().getString(MigrationParameters.TARGET);
        long inDoubt =
                ledger.inDoubtCount(MigrationParameters.ledgerWorkspace(target, runId), runId);
        return inDoubt > 0 ? new FlowExecutionStatus(SETTLE) : FlowExecutionStatus.COMPLETED;
    }
}
