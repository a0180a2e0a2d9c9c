package dev.migrator.source.json;

import dev.migrator.source.ExportFile;
import dev.migrator.source.InvalidRecordException;
import dev.migrator.source.RecordParser;
import dev.migrator.source.SourceRecord;
import dev.migrator.source.SourceRecord.RecordOrigin;
import dev.migrator.source.json.JsonValues.Value;
import java.io.IOException;
import tools.jackson.databind.JsonNode;

/** A JSON export, canonical or a helpdesk's own: each value of the file is one conversation, read by a {@link JsonRecordMapper}. */
public final class JsonRecordParser implements RecordParser {

    private final ExportFile file;
    private final JsonValues values;
    private final JsonRecordMapper mapper;

    private JsonRecordParser(ExportFile file, JsonValues values, JsonRecordMapper mapper) {
        this.file = file;
        this.values = values;
        this.mapper = mapper;
    }

    public static RecordParser open(ExportFile file, JsonRecordMapper mapper) {
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
