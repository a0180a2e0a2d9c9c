package dev.migrator.job;

import dev.migrator.delivery.ConversationMigrator;
import dev.migrator.delivery.ConversationMigrator.Outcome;
import dev.migrator.mapping.MappedRecord.Planned;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * The settle step's sending: records concurrently, back only when every one has an outcome, so that
 * what the caller commits is really done. Records with the same source id go to one worker, in the
 * order given, never side by side; once one of them is deferred, the later ones are deferred with
 * it without being sent, so that a conversation's records are always finished in the order they
 * were read.
 */
final class RecordDelivery {

    private RecordDelivery() {}

    /**
     * The outcome of each record, in the order given. A failure that stops the run is thrown only
     * after the other records have finished.
     */
    static List<Outcome> deliver(
            List<Planned> records, ConversationMigrator migrator, Executor executor)
            throws Exception {
        Map<String, List<Integer>> bySource = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            bySource.computeIfAbsent(
                            records.get(i).conversation().sourceId(), k -> new ArrayList<>())
                    .add(i);
        }
        Outcome[] outcomes = new Outcome[records.size()];
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (List<Integer> group : bySource.values()) {
            futures.add(
                    CompletableFuture.runAsync(
                            () -> {
                                Outcome.Deferred deferred = null;
                                for (int i : group) {
                                    outcomes[i] =
                                            deferred != null
                                                    ? deferred
                                                    : migrator.migrate(
                                                            records.get(i).conversation());
                                    if (outcomes[i] instanceof Outcome.Deferred d) {
                                        deferred = d;
                                    }
                                }
                            },
                            executor));
        }
        Exception failure = null;
        for (CompletableFuture<Void> future : futures) {
            try {
                future.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return List.of(outcomes);
    }
}
