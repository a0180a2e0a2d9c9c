package dev.migrator.source;

import java.io.Closeable;

/** Streams the records of one export file, in file order, in constant memory. */
public interface RecordParser extends Closeable {

    /** The next record, or {@code null} at the end of the file. */
    SourceRecord next();

    static RecordParser open(ExportFile file, ReadContext context) {
        return switch (file.format()) {
            case CONVERSATIONS -> JsonRecordParser.open(file, JsonConversationMapper.INSTANCE);
            case CONVERSATIONS_CSV -> CsvRecordParser.open(file, CsvLayout.CANONICAL);
            case CSV -> CsvRecordParser.open(file, context.csvLayout());
            case ZENDESK -> JsonRecordParser.open(file, new ZendeskTicketMapper(context.people(file.format(), ZendeskTicketMapper::person)));
            case FRESHDESK -> JsonRecordParser.open(file, new FreshdeskTicketMapper(context.people(file.format(), FreshdeskTicketMapper::person)));
            case HELPSCOUT -> JsonRecordParser.open(file, HelpScoutConversationMapper.INSTANCE);
            case FRONT -> JsonRecordParser.open(file, FrontConversationMapper.INSTANCE);
        };
    }
}
