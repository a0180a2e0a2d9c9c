package dev.migrator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.mapping.ConversationPlanner;
import dev.migrator.mapping.MappedRecord;
import dev.migrator.source.SourceRecord;
import dev.migrator.source.format.ExportFile;
import dev.migrator.source.format.ReadContext;
import dev.migrator.source.input.ExportReader;
import dev.migrator.source.input.InputFormat;
import dev.migrator.support.Sha256;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ExportGeneratorTest {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    @TempDir Path dir;

    @Test
    void writesAJsonArray() throws IOException {
        Path out = dir.resolve("export.json");
        ExportGenerator.generate("json", 50, out, 7);

        JsonNode array = MAPPER.readTree(out.toFile());
        assertThat(array.isArray()).isTrue();
        assertThat(array.size()).isEqualTo(50);
        assertThat(array.get(49).get("id").asString()).isEqualTo("g-50");
    }

    @Test
    void writesOneConversationPerJsonLine() throws IOException {
        Path out = dir.resolve("export.jsonl");
        ExportGenerator.generate("jsonl", 50, out, 7);

        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(50);
        assertThat(lines)
                .allSatisfy(
                        line ->
                                assertThat(MAPPER.readTree(line).get("messages").size())
                                        .isBetween(1, 6));
    }

    @Test
    void writesCsvRowsGroupedByConversation() throws IOException {
        Path out = dir.resolve("export.csv");
        ExportGenerator.generate("csv", 50, out, 7);

        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
        try (Reader reader = Files.newBufferedReader(out);
                CSVParser parser = CSVParser.builder().setReader(reader).setFormat(format).get()) {
            assertThat(parser.getHeaderNames()).isEqualTo(ExportGenerator.CSV_HEADER);
            List<CSVRecord> rows = parser.getRecords();
            assertThat(rows.stream().map(r -> r.get("conversation_id")).distinct()).hasSize(50);
            assertThat(rows.stream().map(r -> r.get("message_id")).distinct()).hasSize(rows.size());
        }
    }

    @Test
    void writesZendeskTicketsThatTheZendeskPresetReadsAndPlansWithoutRejects() throws Exception {
        Path tickets = dir.resolve("tickets.jsonl");
        ExportGenerator.generate("zendesk", 200, tickets, 7);

        ExportReader reader =
                new ExportReader(
                        List.of(new ExportFile(tickets, InputFormat.ZENDESK.format())),
                        List.of(Sha256.ofFile(tickets)),
                        new ReadContext(dir.resolve("users.jsonl"), null),
                        Sha256.ofFile(dir.resolve("users.jsonl")));
        ConversationPlanner planner = new ConversationPlanner(ZoneOffset.UTC, Clock.systemUTC());
        reader.open(new ExecutionContext());
        List<MappedRecord> mapped = new ArrayList<>();
        for (SourceRecord record = reader.read(); record != null; record = reader.read()) {
            mapped.add(planner.process(record));
        }
        reader.close();
        assertThat(mapped)
                .hasSize(200)
                .allSatisfy(m -> assertThat(m).isInstanceOf(MappedRecord.Planned.class));
        assertThat(((MappedRecord.Planned) mapped.get(0)).conversation().sourceId())
                .isEqualTo("zendesk:1");
    }

    @Test
    void sameSeedGivesTheSameFile() throws IOException {
        ExportGenerator.generate("csv", 50, dir.resolve("a.csv"), 3);
        ExportGenerator.generate("csv", 50, dir.resolve("b.csv"), 3);

        assertThat(Files.mismatch(dir.resolve("a.csv"), dir.resolve("b.csv"))).isEqualTo(-1);
    }
}
