package dev.migrator.job;

import dev.migrator.ledger.Ledger;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.flow.FlowExecutionStatus;
import org.springframework.batch.core.job.flow.JobExecutionDecider;
import org.springframework.batch.core.step.StepExecution;

/**
 * After the migrate step: settle the records it deferred (a create or a reply in doubt that
 * Intercom could not confirm yet), if any, else finish.
 */
public class CreatesInDoubt implements JobExecutionDecider {

    static final String SETTLE = "SETTLE";

    private final Ledger ledger;

    public CreatesInDoubt(Ledger ledger) {
        this.ledger = ledger;
    }

    @Override
    public FlowExecutionStatus decide(JobExecution jobExecution, StepExecution stepExecution) {
        return ledger.hasDeferred(jobExecution.getJobInstanceId())
                ? new FlowExecutionStatus(SETTLE)
                : FlowExecutionStatus.COMPLETED;
    }
}
