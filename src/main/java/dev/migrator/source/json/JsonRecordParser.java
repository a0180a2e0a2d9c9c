package dev.migrator.source.json;

import dev.migrator.source.InputOpener;
import dev.migrator.source.InvalidRecordException;
import dev.migrator.source.RecordParser;
import dev.migrator.source.SourceRecord;
import dev.migrator.source.SourceRecord.RecordOrigin;
import dev.migrator.source.json.JsonValues.Value;
import java.io.IOException;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;

/**
 * A JSON export, canonical or a helpdesk's own: each value of the file is one conversation, read by
 * a {@link JsonRecordMapper}.
 */
public final class JsonRecordParser implements RecordParser {

    private final String name;
    private final JsonValues values;
    private final JsonRecordMapper mapper;

    private JsonRecordParser(String name, JsonValues values, JsonRecordMapper mapper) {
        this.name = name;
        this.values = values;
        this.mapper = mapper;
    }

    /**
     * @param name the file's name in messages and rejects: the path as the user gave it
     * @param opener where the file's bytes come from
     */
    public static RecordParser open(
            Path path, String name, InputOpener opener, JsonRecordMapper mapper) {
        return new JsonRecordParser(name, JsonValues.open(path, name, opener), mapper);
    }

    @Override
    public SourceRecord next() {
        Value value = values.next();
        if (value == null) {
            return null;
        }
        if (!value.readable()) {
            return SourceRecord.unreadable(
                    new RecordOrigin(name, value.line(), null, value.node()), value.problem());
        }
        JsonNode node = value.node();
        RecordOrigin origin = new RecordOrigin(name, value.line(), mapper.idOf(node), node);
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
