package dev.migrator.source;

import dev.migrator.source.JsonValues.Value;
import dev.migrator.source.SourceRecord.RecordOrigin;
import java.io.IOException;
import tools.jackson.databind.JsonNode;

/** A JSON export, canonical or a helpdesk's own: each value of the file is one conversation, read by a {@link JsonRecordMapper}. */
final class JsonRecordParser implements RecordParser {

    private final ExportFile file;
    private final JsonValues values;
    private final JsonRecordMapper mapper;

    private JsonRecordParser(ExportFile file, JsonValues values, JsonRecordMapper mapper) {
        this.file = file;
        this.values = values;
        this.mapper = mapper;
    }

    static RecordParser open(ExportFile file, JsonRecordMapper mapper) {
        return new JsonRecordParser(file, JsonValues.open(file.path(), file.displayName()), mapper);
    }

    @Override
    public SourceRecord next() {
        Value value = values.next();
        if (value == null) {
            return null;
        }
        if (!value.readable()) {
            return SourceRecord.unreadable(new RecordOrigin(file.displayName(), value.line(), null, value.node()),
                    value.problem());
        }
        JsonNode node = value.node();
        RecordOrigin origin = new RecordOrigin(file.displayName(), value.line(), mapper.idOf(node), node);
        try {
            return SourceRecord.of(origin, mapper.toConversation(node));
        } catch (InvalidRecordException e) {
            return SourceRecord.unreadable(origin, e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        values.close();
    }
}
