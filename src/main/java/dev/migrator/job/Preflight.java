package dev.migrator.job;

import dev.migrator.delivery.AdminDirectory;
import dev.migrator.delivery.AttributeSchema;
import dev.migrator.delivery.ContactResolver;
import dev.migrator.delivery.IntercomLookups;
import dev.migrator.delivery.TeamDirectory;
import dev.migrator.delivery.WorkspaceDirectory;
import dev.migrator.intercom.IntercomApi;
import dev.migrator.intercom.IntercomApi.ConversationAttribute;
import dev.migrator.intercom.IntercomApi.Workspace;
import dev.migrator.intercom.IntercomProperties;
import dev.migrator.ledger.Ledger;
import dev.migrator.mapping.ConversationPlanner;
import dev.migrator.mapping.InboxMappingProperties;
import dev.migrator.mapping.MappedRecord;
import dev.migrator.mapping.PlannedConversation;
import dev.migrator.source.RecordParser;
import dev.migrator.source.SourceConversation.Details;
import dev.migrator.source.SourceConversation.SourceMessage;
import dev.migrator.source.SourceRecord;
import dev.migrator.source.format.ExportFile;
import dev.migrator.source.format.ReadContext;
import dev.migrator.source.input.InputFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything checked before the first request is sent: the token and its workspace, the admins
 * every agent maps to, the source attribute and the attributes {@code mapping.attributes} fills,
 * one pass over the inputs (and the teams they name), and, in a workspace the ledger knows no
 * conversation of, that no earlier migration already put these conversations there. Its result's
 * workspace directory is what the run's job authors agent parts, assigns and sets attributes with.
 */
public class Preflight {

    /**
     * How many of the inputs' conversations are looked for in a workspace the ledger does not know.
     */
    static final int SAMPLE = 20;

    private final IntercomProperties intercom;
    private final MigrationProperties migration;
    private final IntercomApi liveApi;
    private final Ledger ledger;
    private final ConversationPlanner planner;

    public Preflight(
            IntercomProperties intercom,
            MigrationProperties migration,
            IntercomApi liveApi,
            Ledger ledger,
            ConversationPlanner planner) {
        this.intercom = intercom;
        this.migration = migration;
        this.liveApi = liveApi;
        this.ledger = ledger;
        this.planner = planner;
    }

    /** {@link Result#conversations()} of a dry run: its inputs are not read before it starts. */
    public static final long UNKNOWN_COUNT = -1;

    /**
     * {@code target} names the workspace in job parameters and the ledger ("dry-run" for a dry
     * run); {@code conversations}, the records of the inputs, or {@link #UNKNOWN_COUNT}.
     */
    public record Result(
            String target,
            String workspaceName,
            WorkspaceDirectory directory,
            long conversations,
            AgentTally agents,
            OwnerTally owners) {

        public AdminDirectory admins() {
            return directory.admins();
        }
    }

    /**
     * The agents the inputs name: how many, and how many of them an Intercom admin's email matches.
     */
    public record AgentTally(int named, int matched) {
        static final AgentTally NONE = new AgentTally(0, 0);
    }

    /**
     * The owners the inputs name: distinct assignee emails and team names (after {@code
     * mapping.teams}), and how many of each Intercom has. The others stay unassigned.
     */
    public record OwnerTally(int assignees, int assigneesMatched, int teams, int teamsMatched) {
        static final OwnerTally NONE = new OwnerTally(0, 0, 0, 0);
    }

    /** A reason the run must not start; the message says what to change. */
    public static class PreflightException extends RuntimeException {
        public PreflightException(String message) {
            super(message);
        }
    }

    /**
     * @param adoptExisting {@code --adopt-existing}: conversations already in Intercom are adopted,
     *     so finding some is no reason to refuse
     */
    public Result check(
            List<ExportFile> files, ReadContext context, boolean dryRun, boolean adoptExisting) {
        if (dryRun) {
            // No workspace to check agents against, and nothing sent: reading every input once
            // more only to count its records would double a dry run's time. The count is
            // unknown until the run has read them.
            return new Result(
                    "dry-run",
                    "dry run (no workspace)",
                    WorkspaceDirectory.forDryRun(),
                    UNKNOWN_COUNT,
                    AgentTally.NONE,
                    OwnerTally.NONE);
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
        String sourceAttribute = migration.sourceAttributeName();
        List<ConversationAttribute> attributes =
                sourceAttribute != null || !planner.attributeMapping().isEmpty()
                        ? liveApi.conversationAttributes()
                        : List.of();
        if (sourceAttribute != null) {
            requireSourceAttribute(sourceAttribute, workspace.appId(), attributes);
        }
        requireMappedAttributes(workspace.appId(), attributes);
        Result checked =
                scan(
                        files,
                        context,
                        new Result(
                                workspace.appId(),
                                workspace.name(),
                                new WorkspaceDirectory(
                                        AdminDirectory.of(
                                                admins, defaultAdmin, workspace.adminId()),
                                        TeamDirectory.NONE,
                                        AttributeSchema.of(attributes, migration.timezone())),
                                0,
                                AgentTally.NONE,
                                OwnerTally.NONE));
        if (!adoptExisting
                && !ledger.knowsConversationsOf(checked.target())
                && liveApi.holdsConversations()) {
            requireNotMigratedElsewhere(files, context, checked);
        }
        return checked;
    }

    /**
     * Every attribute {@code mapping.attributes} fills must exist in the workspace, once, and be of
     * a type a value from an export can fill: all the problems are listed at once.
     */
    private void requireMappedAttributes(String appId, List<ConversationAttribute> attributes) {
        List<String> problems = new ArrayList<>();
        for (InboxMappingProperties.Entry entry : planner.attributeMapping()) {
            List<ConversationAttribute> named =
                    attributes.stream()
                            .filter(attribute -> attribute.name().equals(entry.intercom()))
                            .toList();
            if (named.isEmpty()) {
                problems.add("\"" + entry.intercom() + "\" does not exist");
            } else if (named.size() > 1) {
                problems.add(
                        "\""
                                + entry.intercom()
                                + "\" names "
                                + named.size()
                                + " attributes (Intercom refuses to update a name that is not"
                                + " unique)");
            } else if (!AttributeSchema.WRITABLE_TYPES.contains(named.get(0).dataType())) {
                problems.add(
                        "\""
                                + entry.intercom()
                                + "\" is of type "
                                + named.get(0).dataType()
                                + ", which no value of an export can fill");
            }
        }
        if (!problems.isEmpty()) {
            throw new PreflightException(
                    "mapping.attributes: in workspace "
                            + appId
                            + ", conversation attribute "
                            + String.join("; ", problems)
                            + ". Create or rename them in Settings > Data > Conversations (types"
                            + " Text, Number, Decimal, True/false, Date or List), or change"
                            + " mapping.attributes.");
        }
    }

    /**
     * Each conversation's source key goes into this attribute, which the admin creates in Intercom:
     * it must exist, once, as text.
     */
    private void requireSourceAttribute(
            String name, String appId, List<ConversationAttribute> attributes) {
        String howToCreate =
                " In Intercom, open Settings > Data > Conversations, create an attribute named \""
                        + name
                        + "\" of format Text, then run again (or unset"
                        + " migration.source-attribute).";
        List<ConversationAttribute> named =
                attributes.stream().filter(attribute -> attribute.name().equals(name)).toList();
        if (named.isEmpty()) {
            throw new PreflightException(
                    "migration.source-attribute: workspace "
                            + appId
                            + " has no conversation attribute \""
                            + name
                            + "\" to keep each conversation's source key."
                            + howToCreate);
        }
        if (named.size() > 1) {
            throw new PreflightException(
                    "migration.source-attribute: workspace "
                            + appId
                            + " has "
                            + named.size()
                            + " conversation attributes named \""
                            + name
                            + "\", and Intercom refuses to update an attribute whose name is not"
                            + " unique: rename or archive the others in Settings > Data >"
                            + " Conversations.");
        }
        if (!named.get(0).dataType().equals("string")) {
            throw new PreflightException(
                    "migration.source-attribute: the conversation attribute \""
                            + name
                            + "\" of workspace "
                            + appId
                            + " is of type "
                            + named.get(0).dataType()
                            + "; it must be Text (string) to hold a source key such as"
                            + " zendesk:123. Name a Text attribute in migration.source-attribute"
                            + " (Settings > Data > Conversations).");
        }
    }

    /**
     * A workspace the ledger knows no conversation of may still hold these conversations, made by a
     * migration whose ledger is elsewhere (another state directory, machine or container, or a
     * deleted one): creating them again would duplicate them all. A sample of the inputs'
     * conversations, spread over them, is looked up (when the workspace holds any conversation);
     * finding any refuses the run before anything is sent.
     */
    private void requireNotMigratedElsewhere(
            List<ExportFile> files, ReadContext context, Result checked) {
        String workspace = checked.target();
        IntercomLookups lookups =
                new IntercomLookups(liveApi, ledger, workspace, migration.sourceAttributeName());
        ContactResolver contacts =
                new ContactResolver(liveApi, ledger, workspace, 0); // finds, creates nothing
        long every = Math.max(1, checked.conversations() / SAMPLE);
        List<String> examples = new ArrayList<>();
        long index = 0;
        for (ExportFile file : files) {
            try (RecordParser parser = InputFormat.open(file, context)) {
                for (SourceRecord record = parser.next();
                        record != null && examples.size() < 2;
                        record = parser.next()) {
                    if (index++ % every != 0
                            || !(planner.process(record) instanceof MappedRecord.Planned planned)) {
                        continue;
                    }
                    PlannedConversation conversation = planned.conversation();
                    List<String> copies =
                            lookups.copiesOf(
                                    conversation,
                                    contacts.find(conversation.contact()).orElse(null));
                    if (!copies.isEmpty()) {
                        examples.add(
                                conversation.sourceId()
                                        + " is Intercom conversation "
                                        + copies.get(0));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (!examples.isEmpty()) {
            throw new PreflightException(
                    "workspace "
                            + workspace
                            + " already holds conversations of these inputs ("
                            + String.join("; ", examples)
                            + "), but the ledger in this state directory knows none of its"
                            + " conversations: an earlier migration kept its ledger elsewhere"
                            + " (another --state-dir, machine or container, or a deleted one)."
                            + " Nothing was sent. Run from that state directory, or add"
                            + " --adopt-existing to look every conversation up in Intercom before"
                            + " creating it and adopt those already there.");
        }
    }

    private Result scan(List<ExportFile> files, ReadContext context, Result target) {
        TreeSet<String> unplaced = new TreeSet<>();
        Set<String> named = new HashSet<>();
        Set<String> assignees = new HashSet<>();
        Set<String> teams = new HashSet<>();
        long conversations = 0;
        for (ExportFile file : files) {
            try (RecordParser parser = InputFormat.open(file, context)) {
                for (SourceRecord record = parser.next(); record != null; record = parser.next()) {
                    conversations++;
                    if (!record.readable()) {
                        continue;
                    }
                    Details details = record.conversation().details();
                    if (details.assigneeEmail() != null && !details.assigneeEmail().isBlank()) {
                        assignees.add(details.assigneeEmail().trim().toLowerCase(Locale.ROOT));
                    }
                    String team = planner.teamName(details.team());
                    if (team != null) {
                        teams.add(team);
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
        Map<String, String> adminIds = target.admins().adminIdsByEmail();
        int matched = (int) named.stream().filter(adminIds::containsKey).count();
        // Asked only when the inputs name a team: a workspace without teams is common.
        TeamDirectory teamDirectory =
                teams.isEmpty() ? TeamDirectory.NONE : TeamDirectory.of(liveApi.teamIdsByName());
        WorkspaceDirectory directory = target.directory();
        return new Result(
                target.target(),
                target.workspaceName(),
                new WorkspaceDirectory(directory.admins(), teamDirectory, directory.attributes()),
                conversations,
                new AgentTally(named.size(), matched),
                new OwnerTally(
                        assignees.size(),
                        (int) assignees.stream().filter(adminIds::containsKey).count(),
                        teams.size(),
                        (int)
                                teams.stream()
                                        .filter(t -> teamDirectory.teamFor(t).isPresent())
                                        .count()));
    }
}
