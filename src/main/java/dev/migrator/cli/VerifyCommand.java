package dev.migrator.cli;

import dev.migrator.intercom.ApiErrorException;
import dev.migrator.intercom.IntercomApi;
import dev.migrator.job.MigrationProperties;
import dev.migrator.ledger.Ledger;
import dev.migrator.ledger.Ledger.MigratedConversation;
import dev.migrator.support.OwnerOnly;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code verify}: checks every conversation the ledger says was created in the token's workspace
 * against Intercom (it exists, its parts are all there with their original times, it is closed when
 * it should be) and lists each difference in {@code verify.jsonl}.
 */
public class VerifyCommand {

    /** Conversations checked side by side; bounded so that a large ledger is not held in memory. */
    private static final int BATCH = 200;

    private final Console console;
    private final IntercomApi api;
    private final Ledger ledger;
    private final MigrationProperties migration;
    private final JsonMapper mapper;
    private final ExecutorService workers;

    public VerifyCommand(
            Console console,
            IntercomApi api,
            Ledger ledger,
            MigrationProperties migration,
            JsonMapper mapper,
            ExecutorService workers) {
        this.console = console;
        this.api = api;
        this.ledger = ledger;
        this.migration = migration;
        this.mapper = mapper;
        this.workers = workers;
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Difference(String sourceId, String intercomId, String difference) {}

    public ExitCode verify() throws IOException {
        String workspace = api.me().appId();
        Path report = migration.stateDir().resolve("verify.jsonl");
        Tally tally = new Tally();
        try (BufferedWriter out =
                Files.newBufferedWriter(OwnerOnly.file(report), StandardCharsets.UTF_8)) {
            List<MigratedConversation> batch = new ArrayList<>(BATCH);
            ledger.forEachMigrated(
                    workspace,
                    conversation -> {
                        batch.add(conversation);
                        if (batch.size() == BATCH) {
                            check(batch, out, tally);
                            batch.clear();
                        }
                    });
            check(batch, out, tally);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        console.say(
                "Checked "
                        + tally.checked
                        + " conversations of workspace "
                        + workspace
                        + " against Intercom: "
                        + tally.differences
                        + " difference(s)."
                        + (tally.differences > 0 ? " Listed in " + report : ""));
        return tally.differences == 0 ? ExitCode.OK : ExitCode.REJECTS;
    }

    private static final class Tally {
        long checked;
        long differences;
    }

    private void check(List<MigratedConversation> batch, BufferedWriter out, Tally tally) {
        List<CompletableFuture<Optional<Difference>>> checks =
                batch.stream()
                        .map(c -> CompletableFuture.supplyAsync(() -> compare(c), workers))
                        .toList();
        for (CompletableFuture<Optional<Difference>> check : checks) {
            tally.checked++;
            Optional<Difference> difference;
            try {
                difference = check.join();
            } catch (CompletionException e) {
                // Intercom down or the token refused: the command's own failure, not a stack trace.
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
            if (difference.isPresent()) {
                tally.differences++;
                try {
                    out.write(mapper.writeValueAsString(difference.get()));
                    out.newLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (tally.differences <= 20) {
                    console.say(
                            "  "
                                    + difference.get().sourceId()
                                    + ": "
                                    + difference.get().difference());
                }
            }
        }
    }

    /** The first way Intercom's copy differs from what the ledger says was sent, if any. */
    Optional<Difference> compare(MigratedConversation expected) {
        JsonNode actual;
        try {
            actual = api.conversation(expected.intercomId());
        } catch (ApiErrorException e) {
            return difference(
                    expected, e.status() == 404 ? "missing from Intercom" : e.getMessage());
        }
        if (actual.path("created_at").asLong() != expected.createdAt()) {
            return difference(
                    expected,
                    "created_at is "
                            + actual.path("created_at").asLong()
                            + ", expected "
                            + expected.createdAt());
        }
        List<Long> times = new ArrayList<>();
        for (JsonNode part : actual.path("conversation_parts").path("conversation_parts")) {
            String type = part.path("part_type").asString("");
            if (type.equals("comment") || type.equals("note")) {
                times.add(part.path("created_at").asLong());
            }
        }
        times.sort(null);
        if (!times.equals(expected.partTimes())) {
            return difference(
                    expected,
                    "has "
                            + times.size()
                            + " message part(s) at "
                            + times
                            + ", expected "
                            + expected.partTimes().size()
                            + " at "
                            + expected.partTimes());
        }
        if (expected.closed() && !"closed".equals(actual.path("state").asString(""))) {
            return difference(
                    expected, "is " + actual.path("state").asString("") + ", expected closed");
        }
        return Optional.empty();
    }

    private static Optional<Difference> difference(MigratedConversation expected, String what) {
        return Optional.of(new Difference(expected.sourceId(), expected.intercomId(), what));
    }
}
