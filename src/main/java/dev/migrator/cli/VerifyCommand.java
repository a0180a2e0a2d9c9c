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
import java.util.Map;
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
 * it should be, and it has the title, attribute values, admin and team the migration last set) and
 * lists each difference in {@code verify.jsonl}, one line each.
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
        List<CompletableFuture<List<Difference>>> checks =
                batch.stream()
                        .map(c -> CompletableFuture.supplyAsync(() -> compare(c), workers))
                        .toList();
        for (CompletableFuture<List<Difference>> check : checks) {
            tally.checked++;
            List<Difference> differences;
            try {
                differences = check.join();
            } catch (CompletionException e) {
                // Intercom down or the token refused: the command's own failure, not a stack trace.
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
            for (Difference difference : differences) {
                tally.differences++;
                try {
                    out.write(mapper.writeValueAsString(difference));
                    out.newLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (tally.differences <= 20) {
                    console.say("  " + difference.sourceId() + ": " + difference.difference());
                }
            }
        }
    }

    /**
     * The ways Intercom's copy differs from what the ledger says was sent and set: none when it is
     * as the ledger says. A conversation missing from Intercom, or created at another time, is that
     * one difference.
     */
    List<Difference> compare(MigratedConversation expected) {
        JsonNode actual;
        try {
            actual = api.conversation(expected.intercomId());
        } catch (ApiErrorException e) {
            return List.of(
                    difference(
                            expected,
                            e.status() == 404 ? "missing from Intercom" : e.getMessage()));
        }
        if (actual.path("created_at").asLong() != expected.createdAt()) {
            return List.of(
                    difference(
                            expected,
                            "created_at is "
                                    + actual.path("created_at").asLong()
                                    + ", expected "
                                    + expected.createdAt()));
        }
        List<Difference> differences = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        for (JsonNode part : actual.path("conversation_parts").path("conversation_parts")) {
            String type = part.path("part_type").asString("");
            if (type.equals("comment") || type.equals("note")) {
                times.add(part.path("created_at").asLong());
            }
        }
        times.sort(null);
        if (!times.equals(expected.partTimes())) {
            differences.add(
                    difference(
                            expected,
                            "has "
                                    + times.size()
                                    + " message part(s) at "
                                    + times
                                    + ", expected "
                                    + expected.partTimes().size()
                                    + " at "
                                    + expected.partTimes()));
        }
        if (expected.closed() && !"closed".equals(actual.path("state").asString(""))) {
            differences.add(
                    difference(
                            expected,
                            "is " + actual.path("state").asString("") + ", expected closed"));
        }
        if (expected.title() != null && !expected.title().equals(text(actual.path("title")))) {
            differences.add(
                    difference(
                            expected,
                            "title is "
                                    + quoted(text(actual.path("title")))
                                    + ", expected "
                                    + quoted(expected.title())));
        }
        assignee(expected, "admin", expected.adminAssigneeId(), actual.path("admin_assignee_id"))
                .ifPresent(differences::add);
        assignee(expected, "team", expected.teamAssigneeId(), actual.path("team_assignee_id"))
                .ifPresent(differences::add);
        JsonNode attributes = actual.path("custom_attributes");
        for (Map.Entry<String, JsonNode> attribute : expected.attributes().properties()) {
            JsonNode value = attributes.path(attribute.getKey());
            if (value.isMissingNode() || value.isNull()) {
                differences.add(
                        difference(
                                expected,
                                "attribute "
                                        + attribute.getKey()
                                        + " is missing, expected "
                                        + attribute.getValue()));
            } else if (!sameValue(value, attribute.getValue())) {
                differences.add(
                        difference(
                                expected,
                                "attribute "
                                        + attribute.getKey()
                                        + " is "
                                        + value
                                        + ", expected "
                                        + attribute.getValue()));
            }
        }
        return differences;
    }

    /** A wrong admin or team assignee; Intercom says 0 (or nothing) for none. */
    private static Optional<Difference> assignee(
            MigratedConversation expected, String kind, String expectedId, JsonNode actual) {
        if (expectedId == null) {
            return Optional.empty();
        }
        String actualId = text(actual);
        if (expectedId.equals(actualId)) {
            return Optional.empty();
        }
        return Optional.of(
                difference(
                        expected,
                        kind
                                + " assignee is "
                                + (actualId == null || actualId.equals("0") ? "none" : actualId)
                                + ", expected "
                                + expectedId));
    }

    /** A value as text, numbers included; {@code null} when there is none. */
    private static String text(JsonNode value) {
        return value.isString() || value.isNumber() ? value.asString() : null;
    }

    /** The same value: numbers compared by value (Intercom may give 5 for 5.0). */
    private static boolean sameValue(JsonNode actual, JsonNode expected) {
        if (actual.isNumber() && expected.isNumber()) {
            return actual.decimalValue().compareTo(expected.decimalValue()) == 0;
        }
        return actual.equals(expected);
    }

    private static String quoted(String text) {
        return text == null ? "none" : "\"" + text + "\"";
    }

    private static Difference difference(MigratedConversation expected, String what) {
        return new Difference(expected.sourceId(), expected.intercomId(), what);
    }
}
