package dev.migrator.e2e;

import dev.migrator.ConversationMigratorApplication;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the real application (its whole Spring context, job repository and HTTP client) in this JVM,
 * as {@code java -jar} would, with a state directory and a config file of the test's own.
 */
final class MigratorProcess {

    record Result(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private final Path workDir;
    private final Path stateDir;
    private final Path config;
    private final Map<String, String> environment;

    MigratorProcess(Path workDir, String baseUrl, String token, String extraConfig)
            throws IOException {
        // Attachments go as links, as before issue 16: an end-to-end test never reaches the
        // internet, and the samples name real helpdesk hosts (acme.zendesk.com) that auto would
        // check.
        this(workDir, baseUrl, token, extraConfig, "link", Map.of());
    }

    /**
     * With {@code migration.attachments} and environment variables of the test's own (the sources'
     * credentials), passed as a real environment is.
     */
    MigratorProcess(
            Path workDir,
            String baseUrl,
            String token,
            String extraConfig,
            String attachments,
            Map<String, String> environment)
            throws IOException {
        this.workDir = workDir;
        this.stateDir = workDir.resolve("state");
        this.config = workDir.resolve("test-config.yml");
        Files.writeString(
                config,
                """
                intercom:
                  base-url: %s
                  timeout: 5s
                  search-lag: 1s
                  retry:
                    max-attempts: 8
                    initial-backoff: 20ms
                    max-backoff: 200ms
                migration:
                  chunk-size: 5
                  concurrency: 4
                  attachments: %s
                %s
                """
                        .formatted(baseUrl, attachments, extraConfig));
        Map<String, String> variables = new HashMap<>(environment);
        if (token != null) {
            variables.put("INTERCOM_ACCESS_TOKEN", token);
        }
        this.environment = Map.copyOf(variables);
    }

    /** The test's own directory, holding the config file and the state directory. */
    Path workDir() {
        return workDir;
    }

    Path stateDir() {
        return stateDir;
    }

    Path runDir(long runId) {
        return stateDir.resolve("runs").resolve(Long.toString(runId));
    }

    Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.isEmpty() && !all.contains("--config")) {
            all.addAll(List.of("--config", config.toString(), "--state-dir", stateDir.toString()));
        }
        return runExactly(all.toArray(String[]::new));
    }

    /** Runs {@code args} as they are, without the test's config file and state directory. */
    Result runExactly(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode =
                ConversationMigratorApplication.run(
                        args,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        environment);
        return new Result(
                exitCode,
                out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
    }
}
