package dev.migrator.source.zendesk;

import dev.migrator.source.RecordParser;
import dev.migrator.source.SourceSystem;
import dev.migrator.source.format.ExportFile;
import dev.migrator.source.format.ExportFormat;
import dev.migrator.source.format.ReadContext;
import dev.migrator.source.json.JsonRecordParser;
import tools.jackson.databind.JsonNode;

/**
 * Zendesk's JSON export of tickets with their comments, {@code --format zendesk}, read with the
 * users export ({@code --users}) that names requesters, authors and assignees, and may hold the
 * groups and organizations tickets name. Its statuses are kept as written: Zendesk's "solved" and
 * "closed" are the planner's own words for a closed conversation.
 */
public final class ZendeskFormat extends ExportFormat {

    public ZendeskFormat() {
        super("zendesk", SourceSystem.ZENDESK, Users.REQUIRED);
    }

    @Override
    public boolean recognisesJson(JsonNode record) {
        return record.has("comments") && (record.has("requester_id") || record.has("via"));
    }

    @Override
    public RecordParser open(ExportFile file, ReadContext context) {
        return JsonRecordParser.open(
                file.path(),
                file.displayName(),
                context.opener(),
                new ZendeskTicketMapper(
                        context.people(
                                file.format(),
                                ZendeskTicketMapper::usersOf,
                                ZendeskTicketMapper::entry)));
    }
}
