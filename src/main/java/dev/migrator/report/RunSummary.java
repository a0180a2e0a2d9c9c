package dev.migrator.report;

import dev.migrator.delivery.InboxTally;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The account of one run, as written to {@code summary.json}. {@code callsPerConversation} is the
 * run's API calls per migrated conversation; {@code idealApiCalls} the least the same work takes
 * (see {@link dev.migrator.delivery.RequiredCalls}), and {@code idealCallsPerConversation} that per
 * migrated conversation. {@code inbox} counts what was set around the threads (titles, assignments,
 * attributes, companies) and lists what could not be placed. {@code attachmentsFailed} counts the
 * files the run was to carry and sent as links instead, listed in {@code attachmentsFailedFile}.
 * {@code lastError} says why an unfinished run stopped; {@code resumeCommand} is the command that
 * continues it.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RunSummary(
        long runId,
        String status,
        String target,
        boolean dryRun,
        List<String> inputs,
        String startedAt,
        String endedAt,
        long conversationsRead,
        long conversationsMigrated,
        long conversationsAlreadyMigrated,
        long conversationsRejected,
        long repliesSent,
        long apiCalls,
        double callsPerConversation,
        long idealApiCalls,
        double idealCallsPerConversation,
        InboxTally inbox,
        long warnings,
        long attachmentsFailed,
        String rejectsFile,
        String attachmentsFailedFile,
        String requestsFile,
        String lastError,
        String resumeCommand) {}
