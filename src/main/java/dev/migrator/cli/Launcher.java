package dev.migrator.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.springframework.boot.system.ApplicationHome;

/**
 * How the user starts the migrator, for the "run this to resume" lines: the command the Docker
 * image names in {@code MIGRATOR_LAUNCHER} ({@code docker compose run --rm migrator}), else {@code
 * java -jar} with the jar that is running, wherever it was moved.
 */
public record Launcher(String prefix) {

    static final String VARIABLE = "MIGRATOR_LAUNCHER";

    /** Outside a jar (tests, an IDE): the jar the build makes. */
    private static final String BUILT_JAR = "target/conversation-migrator.jar";

    public static Launcher detect(Map<String, String> environment) {
        String configured = environment.get(VARIABLE);
        if (configured != null && !configured.isBlank()) {
            return new Launcher(configured.strip());
        }
        Path jar = runningJar();
        return new Launcher("java -jar " + quoted(jar == null ? BUILT_JAR : jar.toString()));
    }

    private static Path runningJar() {
        var source = new ApplicationHome(Launcher.class).getSource();
        return source != null && source.isFile() && source.getName().endsWith(".jar")
                ? source.toPath()
                : null;
    }

    /** The command line that runs the migrator with {@code arguments}, quoted for a POSIX shell. */
    public String commandLine(List<String> arguments) {
        StringBuilder line = new StringBuilder(prefix);
        for (String argument : arguments) {
            line.append(' ').append(quoted(argument));
        }
        return line.toString();
    }

    private static String quoted(String argument) {
        return argument.matches("[A-Za-z0-9_./:=@+-]+")
                ? argument
                : "'" + argument.replace("'", "'\\''") + "'";
    }
}
