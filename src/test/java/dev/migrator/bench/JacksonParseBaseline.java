package dev.migrator.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The floor a dry run is measured against: a plain Jackson parse of a JSON Lines file, each line
 * read into a tree, as the export reader does, and nothing else. Prints the seconds it took.
 *
 * <pre>JacksonParseBaseline &lt;file.jsonl&gt;</pre>
 */
public final class JacksonParseBaseline {

    private JacksonParseBaseline() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: JacksonParseBaseline <file.jsonl>");
            System.exit(2);
        }
        JsonMapper mapper = JsonMapper.builder().build();
        long start = System.nanoTime();
        long values = 0;
        long fields = 0;
        try (BufferedReader lines =
                Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.isBlank()) {
                    JsonNode value = mapper.readTree(line);
                    fields += value.size(); // used, so that the parse cannot be skipped
                    values++;
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "Jackson parse of %d values (%d top-level fields) in %.1f s%n",
                values, fields, seconds);
        System.out.printf("baseline-seconds %.3f%n", seconds);
    }
}
