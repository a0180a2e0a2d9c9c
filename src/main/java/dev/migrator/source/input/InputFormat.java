package dev.migrator.source.input;

import dev.migrator.source.RecordParser;
import dev.migrator.source.canonical.CanonicalCsvFormat;
import dev.migrator.source.canonical.CanonicalJsonFormat;
import dev.migrator.source.canonical.MappedCsvFormat;
import dev.migrator.source.format.ExportFile;
import dev.migrator.source.format.ExportFormat;
import dev.migrator.source.format.ExportFormat.Users;
import dev.migrator.source.format.ReadContext;
import dev.migrator.source.freshdesk.FreshdeskFormat;
import dev.migrator.source.front.FrontFormat;
import dev.migrator.source.helpscout.HelpScoutFormat;
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

    private final ExportFormat format;

    InputFormat(ExportFormat format) {
        this.format = format;
    }

    public String cliName() {
        return format.cliName();
    }

    public Users users() {
        return format.users();
    }

    /** What the format is: the one instance an {@link ExportFile} in this format holds. */
    public ExportFormat format() {
        return format;
    }

    /** A parser of the file's records, by its format's rules. */
    public static RecordParser open(ExportFile file, ReadContext context) {
        return file.format().open(file, context);
    }

    public static Optional<InputFormat> fromCliName(String name) {
        return Arrays.stream(values()).filter(f -> f.cliName().equals(name)).findFirst();
    }

    public static String cliNames() {
        return Arrays.stream(values()).map(InputFormat::cliName).collect(Collectors.joining(", "));
    }

    /** The formats that read a people file, as a message names them: "zendesk or freshdesk". */
    public static String cliNamesReadingUsers() {
        return Arrays.stream(values())
                .filter(f -> f.users() != Users.NONE)
                .map(InputFormat::cliName)
                .collect(Collectors.joining(" or "));
    }
}
