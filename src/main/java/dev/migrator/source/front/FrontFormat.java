package dev.migrator.source.front;

import dev.migrator.source.RecordParser;
import dev.migrator.source.SourceSystem;
import dev.migrator.source.format.ExportFile;
import dev.migrator.source.format.ExportFormat;
import dev.migrator.source.format.ReadContext;
import dev.migrator.source.json.JsonRecordParser;
import dev.migrator.support.Keywords;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** Front's API conversations with their messages and comments, {@code --format front}. */
public final class FrontFormat extends ExportFormat {

    private static final Set<String> CLOSED_STATUSES = Set.of("archived");

    private static final Set<String> RESOLVED_CATEGORIES = Set.of("resolved");

    public FrontFormat() {
        super("front", SourceSystem.FRONT, Users.NONE);
    }

    @Override
    public boolean recognisesJson(JsonNode record) {
        return record.path("messages").path(0).has("is_inbound")
                || record.path("id").asString("").startsWith("cnv_");
    }

    @Override
    public RecordParser open(ExportFile file, ReadContext context) {
        return JsonRecordParser.open(
                file.path(),
                file.displayName(),
                context.opener(),
                FrontConversationMapper.INSTANCE);
    }

    /**
     * A conversation's status as the planner reads it (a deleted, spam or unknown one never gets
     * this far: it is rejected). With ticketing on, the ticket status's category decides: closed
     * when resolved. Without it, closed when archived. Anything else is open.
     */
    static String status(String written, String category) {
        boolean closed =
                category != null
                        ? Keywords.isIn(category, RESOLVED_CATEGORIES)
                        : Keywords.isIn(written, CLOSED_STATUSES);
        return closed ? "closed" : "open";
    }
}
