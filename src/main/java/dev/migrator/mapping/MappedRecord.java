package dev.migrator.mapping;

import dev.migrator.source.SourceRecord.RecordOrigin;

/** What the processor makes of a record: a conversation to send, or a rejection with its reason. */
public sealed interface MappedRecord {

    RecordOrigin origin();

    record Planned(RecordOrigin origin, PlannedConversation conversation) implements MappedRecord {}

    record Rejected(RecordOrigin origin, String reason) implements MappedRecord {}
}
