package dev.migrator.source.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrator.source.SourceAttachment;
import dev.migrator.source.SourceConversation;
import dev.migrator.source.SourceRecord;
import dev.migrator.source.UnusableInputException;
import dev.migrator.source.format.ExportFile;
import dev.migrator.source.format.ReadContext;
import dev.migrator.support.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.infrastructure.item.ExecutionContext;

class ExportReaderTest {

    private static final ReadContext NO_EXTRAS = new ReadContext(null, null);

    @TempDir Path dir;

    private static final String CSV_HEADER =
            "conversation_id,conversation_created_at,subject,status,tags,contact_email,contact_external_id,contact_name,contact_role,message_id,author_type,author_email,author_name,internal,created_at,body,attachments\n";

    /** A reader of {@code files} as they are now, as a run started now would read them. */
    private static ExportReader reader(List<ExportFile> files) throws Exception {
        List<String> checksums = new ArrayList<>();
        for (ExportFile file : files) {
            checksums.add(Sha256.ofFile(file.path()));
        }
        return new ExportReader(files, checksums, NO_EXTRAS, null);
    }

    private List<SourceRecord> readAll(ExportReader reader, ExecutionContext context)
            throws Exception {
        reader.open(context);
        List<SourceRecord> records = new ArrayList<>();
        for (SourceRecord r = reader.read(); r != null; r = reader.read()) {
            records.add(r);
        }
        reader.close();
        return records;
    }

    @Test
    void readsAJsonArrayWithLineNumbersAndTypeErrorsAsRejects() throws Exception {
        Path file = dir.resolve("a.json");
        Files.writeString(
                file,
                """
                \uFEFF
                [
                  {"id": "c-1", "contact": {"email": "a@b.c"}, "messages": [{"id": 1, "body": "hi", "created_at": 1600000000}]},
                  {"id": "c-2", "messages": "not a list"},
                  {"id": "c-3", "contact": {"email": "a@b.c"}, "messages": [], "tags": ["x", "y"]}
                ]
                """);

        List<SourceRecord> records =
                readAll(
                        reader(List.of(new ExportFile(file, InputFormat.CONVERSATIONS.format()))),
                        new ExecutionContext());

        assertThat(records).hasSize(3);
        assertThat(records.get(0).conversation().messages().get(0).id()).isEqualTo("1");
        assertThat(records.get(0).conversation().messages().get(0).createdAt())
                .isEqualTo("1600000000");
        assertThat(records.get(1).origin().line()).isEqualTo(4);
        assertThat(records.get(1).origin().sourceId()).isEqualTo("c-2");
        assertThat(records.get(1).problem())
                .isEqualTo("field 'messages' must be an array, not a string");
        assertThat(records.get(2).conversation().tags()).containsExactly("x", "y");
    }

    @Test
    void readsJsonLinesAndKeepsGoingAfterABrokenLine() throws Exception {
        Path file = dir.resolve("a.jsonl");
        Files.writeString(file, "\n\n{\"id\":\"c-1\"}\n\n{\"id\": broken\n{\"id\":\"c-3\"}\n");

        List<SourceRecord> records =
                readAll(
                        reader(List.of(new ExportFile(file, InputFormat.CONVERSATIONS.format()))),
                        new ExecutionContext());

        assertThat(records).extracting(r -> r.origin().line()).containsExactly(3L, 5L, 6L);
        assertThat(records.get(1).problem()).startsWith("invalid JSON");
        assertThat(records.get(2).conversation().id()).isEqualTo("c-3");
    }

    @Test
    void groupsContiguousCsvRowsIntoOneConversation() throws Exception {
        Path file = dir.resolve("a.csv");
        Files.writeString(
                file,
                CSV_HEADER
                        + "c-1,,Hi,closed,a|b,ann@x.org,u-1,Ann,user,m-1,contact,,,,2021-01-01T00:00:00Z,\"Hello,\n"
                        + "world\",https://f/1|https://f/2\n"
                        + "c-1,,,,,,,,,m-2,agent,bob@acme.example,Bob,true,2021-01-01T00:05:00Z,Note,\n"
                        + "c-2,,,,,bo@x.org,,,,m-1,contact,,,,2021-01-02T00:00:00Z,Only one,\n"
                        + "c-3,,,,,too,few,fields\n");

        List<SourceRecord> records =
                readAll(
                        reader(
                                List.of(
                                        new ExportFile(
                                                file, InputFormat.CONVERSATIONS_CSV.format()))),
                        new ExecutionContext());

        assertThat(records).hasSize(3);
        SourceConversation first = records.get(0).conversation();
        assertThat(records.get(0).origin().line()).isEqualTo(2);
        assertThat(first.tags()).containsExactly("a", "b");
        assertThat(first.messages()).hasSize(2);
        assertThat(first.messages().get(0).body()).isEqualTo("Hello,\nworld");
        assertThat(first.messages().get(0).attachments())
                .containsExactly(
                        SourceAttachment.ofUrl("https://f/1"),
                        SourceAttachment.ofUrl("https://f/2"));
        assertThat(first.messages().get(1).internal()).isTrue();
        assertThat(records.get(1).origin().line()).isEqualTo(5);
        assertThat(records.get(2).origin().line()).isEqualTo(6);
        assertThat(records.get(2).problem()).isEqualTo("line 6 has 8 fields but the header has 17");
    }

    @Test
    void restartsAfterTheLastCommittedRecordAcrossFiles() throws Exception {
        Path one = dir.resolve("one.jsonl");
        Path two = dir.resolve("two.csv");
        Files.writeString(one, "{\"id\":\"c-1\"}\n{\"id\":\"c-2\"}\n");
        Files.writeString(
                two,
                CSV_HEADER
                        + "c-3,,,,,a@x.org,,,,m-1,contact,,,,2021-01-01T00:00:00Z,x,\n"
                        + "c-3,,,,,a@x.org,,,,m-2,contact,,,,2021-01-01T00:01:00Z,y,\n"
                        + "c-4,,,,,a@x.org,,,,m-1,contact,,,,2021-01-01T00:00:00Z,z,\n");
        List<ExportFile> files =
                List.of(
                        new ExportFile(one, InputFormat.CONVERSATIONS.format()),
                        new ExportFile(two, InputFormat.CONVERSATIONS_CSV.format()));

        ExportReader first = reader(files);
        ExecutionContext context = new ExecutionContext();
        first.open(context);
        first.read();
        first.read();
        first.read();
        first.update(context); // the chunk of c-1, c-2 and c-3 commits; the process then dies
        first.close();

        List<SourceRecord> rest = readAll(reader(files), context);

        assertThat(rest).extracting(r -> r.conversation().id()).containsExactly("c-4");
    }

    @Test
    void aFileChangedAfterItsChecksumStopsTheReaderAtItsEnd() throws Exception {
        Path json = dir.resolve("a.json");
        Path csv = dir.resolve("b.csv");
        Files.writeString(json, "[{\"id\":\"c-1\"}, {\"id\":\"c-2\"}]\n");
        Files.writeString(csv, CSV_HEADER + "c-3,,,,,a@x.org,,,,,contact,,,,2021-01-01,x,\n");
        List<ExportFile> files =
                List.of(
                        new ExportFile(json, InputFormat.CONVERSATIONS.format()),
                        new ExportFile(csv, InputFormat.CONVERSATIONS_CSV.format()));
        ExportReader reader = reader(files);
        Files.writeString(csv, CSV_HEADER + "c-3,,,,,a@x.org,,,,,contact,,,,2021-01-01,y,\n");
        reader.open(new ExecutionContext());

        assertThat(reader.read().conversation().id()).isEqualTo("c-1");
        assertThat(reader.read().conversation().id()).isEqualTo("c-2");
        assertThat(reader.read().conversation().id()).isEqualTo("c-3");
        assertThatThrownBy(reader::read)
                .isInstanceOf(InputChangedException.class)
                .hasMessage(
                        csv
                                + " changed after the run started; run the command again to"
                                + " migrate its current content");
        reader.close();
    }

    @Test
    void aJsonFileIsHashedToItsLastByteNotToItsClosingBracket() throws Exception {
        Path json = dir.resolve("a.json");
        Files.writeString(json, "[{\"id\":\"c-1\"}]\n");
        ExportReader reader =
                reader(List.of(new ExportFile(json, InputFormat.CONVERSATIONS.format())));
        Files.writeString(json, "[{\"id\":\"c-1\"}]\n" + " ".repeat(100_000) + "\n");

        reader.open(new ExecutionContext());
        reader.read();

        assertThatThrownBy(reader::read).isInstanceOf(InputChangedException.class);
        reader.close();
    }

    @Test
    void aPeopleFileChangedAfterItsChecksumStopsTheReaderToo() throws Exception {
        Path tickets = dir.resolve("tickets.jsonl");
        Path users = dir.resolve("users.json");
        Files.copy(Path.of("samples/zendesk/tickets.jsonl"), tickets);
        // As a JSON array, which its parser reads only up to the closing bracket.
        Files.writeString(
                users,
                "["
                        + String.join(
                                ",", Files.readAllLines(Path.of("samples/zendesk/users.jsonl")))
                        + "]\n");
        ExportReader reader =
                new ExportReader(
                        List.of(new ExportFile(tickets, InputFormat.ZENDESK.format())),
                        List.of(Sha256.ofFile(tickets)),
                        new ReadContext(users, null),
                        Sha256.ofFile(users));
        Files.writeString(users, " ".repeat(100_000), StandardOpenOption.APPEND);

        reader.open(new ExecutionContext());
        assertThatThrownBy(
                        () -> {
                            while (reader.read() != null) {
                                // every ticket, then the end of the file
                            }
                        })
                .isInstanceOf(InputChangedException.class)
                .hasMessageStartingWith(users + " changed after the run started");
        reader.close();
    }

    @Test
    void aRestartedReaderHashesTheRecordsBeforeItsPositionToo() throws Exception {
        Path file = dir.resolve("a.jsonl");
        Files.writeString(file, "{\"id\":\"c-1\"}\n{\"id\":\"c-2\"}\n{\"id\":\"c-3\"}\n");
        List<ExportFile> files = List.of(new ExportFile(file, InputFormat.CONVERSATIONS.format()));
        ExportReader first = reader(files);
        ExecutionContext context = new ExecutionContext();
        first.open(context);
        first.read();
        first.read();
        first.update(context); // c-1 and c-2 commit; the process then dies
        first.close();

        assertThat(readAll(reader(files), context))
                .extracting(r -> r.conversation().id())
                .containsExactly("c-3");

        ExportReader unchangedAtItsStart = reader(files);
        // Only a record before the restart position differs: the restart reads it again, and sees.
        Files.writeString(file, "{\"id\":\"c-0\"}\n{\"id\":\"c-2\"}\n{\"id\":\"c-3\"}\n");
        unchangedAtItsStart.open(context);
        assertThat(unchangedAtItsStart.read().conversation().id()).isEqualTo("c-3");
        assertThatThrownBy(unchangedAtItsStart::read).isInstanceOf(InputChangedException.class);
        unchangedAtItsStart.close();
    }

    @Test
    void csvWithoutTheRequiredColumnsIsUnusable() throws Exception {
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, "conversation_id,body\nc-1,x\n");

        assertThatThrownBy(
                        () ->
                                InputFormat.open(
                                        new ExportFile(
                                                file, InputFormat.CONVERSATIONS_CSV.format()),
                                        NO_EXTRAS))
                .isInstanceOf(UnusableInputException.class)
                .hasMessageContaining("lacks the column(s) author_type, created_at");
    }
}
