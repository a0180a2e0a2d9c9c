package dev.migrator.e2e;

import dev.migrator.testserver.FakeIntercom;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged jar, started as users start it ({@code java -jar target/conversation-migrator.jar})
 * against the fake Intercom, for the tests that kill, pause or watch a real process.
 */
final class PackagedJar {

    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    private static final Path JAR = Path.of("target/conversation-migrator.jar").toAbsolutePath();

    private PackagedJar() {}

    /**
     * A process running the jar with {@code args}, then the test's config file and state directory,
     * with the fake Intercom's token in its environment and its errors in its output.
     */
    static ProcessBuilder process(Path config, Path stateDir, String... args) {
        return process(List.of(), config, stateDir, args);
    }

    /** As {@link #process(Path, Path, String...)}, the JVM started with {@code jvmOptions}. */
    static ProcessBuilder process(
            List<String> jvmOptions, Path config, Path stateDir, String... args) {
        List<String> command = new ArrayList<>(List.of(JAVA.toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--config", config.toString(), "--state-dir", stateDir.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("INTERCOM_ACCESS_TOKEN", FakeIntercom.TOKEN);
        return builder;
    }
}
