package dev.migrator.source.helpscout;

import dev.migrator.source.RecordParser;
import dev.migrator.source.SourceSystem;
import dev.migrator.source.format.ExportFile;
import dev.migrator.source.format.ExportFormat;
import dev.migrator.source.format.ReadContext;
import dev.migrator.source.json.JsonRecordParser;
import dev.migrator.support.Keywords;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** Help Scout's Mailbox API v2 conversations with their threads, {@code --format helpscout}. */
public final class HelpScoutFormat extends ExportFormat {

    private static final Set<String> CLOSED_STATUSES = Set.of("closed");

    public HelpScoutFormat() {
        super("helpscout", SourceSystem.HELPSCOUT, Users.NONE);
    }

    @Override
    public boolean recognisesJson(JsonNode record) {
        return record.has("primaryCustomer")
                || record.path("_embedded").has("threads")
                || record.has("threads");
    }

    @Override
    public RecordParser open(ExportFile file, ReadContext context) {
        return JsonRecordParser.open(
                file.path(),
                file.displayName(),
                context.opener(),
                HelpScoutConversationMapper.INSTANCE);
    }

    /**
     * A conversation's status as the planner reads it: closed when closed, else as written (a spam
     * conversation never gets this far: it is rejected).
     */
    static String status(String written) {
        return Keywords.isIn(written, CLOSED_STATUSES) ? "closed" : written;
    }
}
