package dev.migrator.source;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The export formats the migrator reads, by their command-line names. */
public enum InputFormat {
    CONVERSATIONS("conversations"),
    CONVERSATIONS_CSV("conversations-csv");

    private final String cliName;

    InputFormat(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static Optional<InputFormat> fromCliName(String name) {
        return Arrays.stream(values()).filter(f -> f.cliName.equals(name)).findFirst();
    }

    public static String cliNames() {
        return Arrays.stream(values()).map(InputFormat::cliName).collect(Collectors.joining(", "));
    }
}
