package dev.migrator.job;

import java.util.concurrent.atomic.AtomicLong;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * A run's running totals that the ledger does not hold. They are saved in the step's execution
 * context with every committed chunk, so after a restart they continue from what was committed, not
 * from what was attempted.
 */
public class RunCounters {

    public static final String RECORDS = "counters.records";
    public static final String WARNINGS = "counters.warnings";
    public static final String CALLS = "counters.calls";

    final AtomicLong records = new AtomicLong();
    final AtomicLong warnings = new AtomicLong();
    final AtomicLong calls = new AtomicLong();

    void restore(ExecutionContext context) {
        records.set(context.getLong(RECORDS, 0));
        warnings.set(context.getLong(WARNINGS, 0));
        calls.set(context.getLong(CALLS, 0));
    }

    void save(ExecutionContext context) {
        context.putLong(RECORDS, records.get());
        context.putLong(WARNINGS, warnings.get());
        context.putLong(CALLS, calls.get());
    }
}
