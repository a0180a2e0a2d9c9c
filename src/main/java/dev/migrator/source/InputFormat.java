package dev.migrator.source;

import dev.migrator.source.ExportFormat.Users;
import dev.migrator.source.csv.CanonicalCsvFormat;
import dev.migrator.source.csv.MappedCsvFormat;
import dev.migrator.source.freshdesk.FreshdeskFormat;
import dev.migrator.source.front.FrontFormat;
import dev.migrator.source.helpscout.HelpScoutFormat;
import dev.migrator.source.json.CanonicalJsonFormat;
import dev.migrator.source.zendesk.ZendeskFormat;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The formats the migrator reads, one line each; what each is lives in its own package. The only
 * place the core names a helpdesk preset.
 */
public enum InputFormat {
    CONVERSATIONS(new CanonicalJsonFormat()),
    CONVERSATIONS_CSV(new CanonicalCsvFormat()),
    CSV(new MappedCsvFormat()),
    ZENDESK(new ZendeskFormat()),
    FRESHDESK(new FreshdeskFormat()),
    HELPSCOUT(new HelpScoutFormat()),
    FRONT(new FrontFormat());

    private final ExportFormat definition;

    InputFormat(ExportFormat definition) {
        this.definition = definition;
    }

    public String cliName() {
        return definition.cliName();
    }

    public Users users() {
        return definition.users();
    }

    ExportFormat definition() {
        return definition;
    }

    public static Optional<InputFormat> fromCliName(String name) {
        return Arrays.stream(values()).filter(f -> f.cliName().equals(name)).findFirst();
    }

    public static String cliNames() {
        return Arrays.stream(values()).map(InputFormat::cliName).collect(Collectors.joining(", "));
    }

    /** The formats that read a people file, as a message names them: "zendesk or freshdesk". */
    public static String cliNamesReadingUsers() {
        return Arrays.stream(values()).filter(f -> f.users() != Users.NONE).map(InputFormat::cliName)
                .collect(Collectors.joining(" or "));
    }
}
