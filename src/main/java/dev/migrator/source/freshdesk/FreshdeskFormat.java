package dev.migrator.source.freshdesk;

import dev.migrator.source.RecordParser;
import dev.migrator.source.SourceSystem;
import dev.migrator.source.format.ExportFile;
import dev.migrator.source.format.ExportFormat;
import dev.migrator.source.format.ReadContext;
import dev.migrator.source.json.JsonRecordParser;
import dev.migrator.support.Keywords;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Freshdesk's v2 API tickets with their conversations, {@code --format freshdesk}, optionally read
 * with the contacts and agents ({@code --users}) that name requesters and writers.
 */
public final class FreshdeskFormat extends ExportFormat {

    /** Resolved (4) and Closed (5), as numbers or as the names some export tools write. */
    private static final Set<String> CLOSED_STATUSES = Set.of("4", "5", "resolved", "closed");

    public FreshdeskFormat() {
        super("freshdesk", SourceSystem.FRESHDESK, Users.OPTIONAL);
    }

    @Override
    public boolean recognisesJson(JsonNode record) {
        return record.has("description_text")
                || (record.has("requester_id") && record.has("conversations"));
    }

    @Override
    public RecordParser open(ExportFile file, ReadContext context) {
        return JsonRecordParser.open(
                file.path(),
                file.displayName(),
                context.opener(),
                new FreshdeskTicketMapper(
                        context.people(file.format(), FreshdeskTicketMapper::person)));
    }

    /** A ticket's status as the planner reads it: closed when resolved or closed, else open. */
    static String status(String written) {
        return Keywords.isIn(written, CLOSED_STATUSES) ? "closed" : "open";
    }
}
