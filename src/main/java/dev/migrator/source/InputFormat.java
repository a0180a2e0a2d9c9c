package dev.migrator.source;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The export formats the migrator reads, by their command-line names. */
public enum InputFormat {
    CONVERSATIONS("conversations", Users.NONE),
    CONVERSATIONS_CSV("conversations-csv", Users.NONE),
    CSV("csv", Users.NONE),
    ZENDESK("zendesk", Users.REQUIRED),
    FRESHDESK("freshdesk", Users.OPTIONAL),
    HELPSCOUT("helpscout", Users.NONE),
    FRONT("front", Users.NONE);

    /** Whether the format reads a people file given with {@code --users}. */
    public enum Users { NONE, OPTIONAL, REQUIRED }

    private final String cliName;
    private final Users users;

    InputFormat(String cliName, Users users) {
        this.cliName = cliName;
        this.users = users;
    }

    public String cliName() {
        return cliName;
    }

    public Users users() {
        return users;
    }

    public static Optional<InputFormat> fromCliName(String name) {
        return Arrays.stream(values()).filter(f -> f.cliName.equals(name)).findFirst();
    }

    public static String cliNames() {
        return Arrays.stream(values()).map(InputFormat::cliName).collect(Collectors.joining(", "));
    }
}
