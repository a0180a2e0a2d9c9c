package dev.migrator.source.canonical;

import dev.migrator.source.RecordParser;
import dev.migrator.source.SourceSystem;
import dev.migrator.source.format.ExportFile;
import dev.migrator.source.format.ExportFormat;
import dev.migrator.source.format.ReadContext;
import dev.migrator.source.json.JsonConversationMapper;
import dev.migrator.source.json.JsonRecordParser;
import tools.jackson.databind.JsonNode;

/**
 * The migrator's own JSON format (docs/formats/canonical-json.md), {@code --format conversations}.
 * Its statuses are the planner's own words, kept as written.
 */
public final class CanonicalJsonFormat extends ExportFormat {

    public CanonicalJsonFormat() {
        super("conversations", SourceSystem.CANONICAL, Users.NONE);
    }

    @Override
    public boolean recognisesJson(JsonNode record) {
        return record.has("messages") && (record.has("contact") || record.has("id"));
    }

    @Override
    public RecordParser open(ExportFile file, ReadContext context) {
        return JsonRecordParser.open(
                file.path(), file.displayName(), context.opener(), JsonConversationMapper.INSTANCE);
    }
}
