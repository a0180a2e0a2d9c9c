package dev.migrator.job;

import dev.migrator.delivery.AdminDirectory;
import dev.migrator.intercom.IntercomApi;
import dev.migrator.intercom.IntercomApi.Workspace;
import dev.migrator.intercom.IntercomProperties;
import dev.migrator.source.RecordParser;
import dev.migrator.source.SourceConversation.SourceMessage;
import dev.migrator.source.SourceRecord;
import dev.migrator.source.format.ExportFile;
import dev.migrator.source.format.ReadContext;
import dev.migrator.source.input.InputFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything checked before the first request is sent: the token and its workspace, the admins
 * every agent maps to, and one pass over the inputs. Its result's admin directory is what the run's
 * job authors agent parts with.
 */
public class Preflight {

    private final IntercomProperties intercom;
    private final MigrationProperties migration;
    private final IntercomApi liveApi;

    public Preflight(
            IntercomProperties intercom, MigrationProperties migration, IntercomApi liveApi) {
        this.intercom = intercom;
        this.migration = migration;
        this.liveApi = liveApi;
    }

    /**
     * {@code target} names the workspace in job parameters and the ledger ("dry-run" for a dry
     * run).
     */
    public record Result(
            String target,
            String workspaceName,
            AdminDirectory admins,
            long conversations,
            AgentTally agents) {}

    /**
     * The agents the inputs name: how many, and how many of them an Intercom admin's email matches.
     */
    public record AgentTally(int named, int matched) {
        static final AgentTally NONE = new AgentTally(0, 0);
    }

    /** A reason the run must not start; the message says what to change. */
    public static class PreflightException extends RuntimeException {
        public PreflightException(String message) {
            super(message);
        }
    }

    public Result check(List<ExportFile> files, ReadContext context, boolean dryRun) {
        if (dryRun) {
            return scan(
                    files,
                    context,
                    new Result(
                            "dry-run",
                            "dry run (no workspace)",
                            AdminDirectory.forDryRun(),
                            0,
                            AgentTally.NONE));
        }
        if (!intercom.hasAccessToken()) {
            throw new PreflightException(
                    "no Intercom access token: set the environment variable INTERCOM_ACCESS_TOKEN "
                            + "(or intercom.access-token in a config file), or use --dry-run");
        }
        Workspace workspace = liveApi.me();
        if (workspace.appId() == null) {
            throw new PreflightException(
                    "GET /me did not name a workspace (app.id_code); is "
                            + intercom.baseUrl()
                            + " the Intercom API?");
        }
        Map<String, String> admins = liveApi.adminIdsByEmail();
        String defaultAdmin =
                migration.hasDefaultAdmin() ? migration.defaultAdminId().trim() : null;
        if (defaultAdmin != null && !admins.containsValue(defaultAdmin)) {
            throw new PreflightException(
                    "migration.default-admin-id "
                            + defaultAdmin
                            + " is not an admin of workspace "
                            + workspace.appId());
        }
        return scan(
                files,
                context,
                new Result(
                        workspace.appId(),
                        workspace.name(),
                        AdminDirectory.of(admins, defaultAdmin, workspace.adminId()),
                        0,
                        AgentTally.NONE));
    }

    private Result scan(List<ExportFile> files, ReadContext context, Result target) {
        TreeSet<String> unplaced = new TreeSet<>();
        Set<String> named = new HashSet<>();
        long conversations = 0;
        for (ExportFile file : files) {
            try (RecordParser parser = InputFormat.open(file, context)) {
                for (SourceRecord record = parser.next(); record != null; record = parser.next()) {
                    conversations++;
                    if (!record.readable()) {
                        continue;
                    }
                    for (SourceMessage message : record.conversation().messages()) {
                        boolean agent =
                                message.authorType() != null
                                        && message.authorType().trim().equalsIgnoreCase("agent");
                        if (agent
                                && message.authorEmail() != null
                                && !message.authorEmail().isBlank()) {
                            named.add(message.authorEmail().trim().toLowerCase(Locale.ROOT));
                        }
                        if (agent && !target.admins().canPlace(message.authorEmail())) {
                            unplaced.add(
                                    message.authorEmail() == null || message.authorEmail().isBlank()
                                            ? "(notes and replies with no agent email: agents"
                                                    + " without one, or private comments by"
                                                    + " customers)"
                                            : message.authorEmail()
                                                    .trim()
                                                    .toLowerCase(Locale.ROOT));
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (!unplaced.isEmpty()) {
            throw new PreflightException(
                    unplaced.size()
                            + " agent(s) match no admin of workspace "
                            + target.target()
                            + " and migration.default-admin-id is not set: "
                            + String.join(", ", unplaced)
                            + ". Add them as admins in Intercom or set"
                            + " migration.default-admin-id.");
        }
        int matched =
                (int) named.stream().filter(target.admins().adminIdsByEmail()::containsKey).count();
        return new Result(
                target.target(),
                target.workspaceName(),
                target.admins(),
                conversations,
                new AgentTally(named.size(), matched));
    }
}
