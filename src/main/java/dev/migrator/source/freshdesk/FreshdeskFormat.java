package dev.migrator.source.freshdesk;

import dev.migrator.source.RecordParser;
import dev.migrator.source.SourceSystem;
import dev.migrator.source.format.ExportFile;
import dev.migrator.source.format.ExportFormat;
import dev.migrator.source.format.ReadContext;
import dev.migrator.source.json.JsonRecordParser;
import dev.migrator.support.Keywords;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.lang3.StringUtils;
import tools.jackson.databind.JsonNode;

/**
 * Freshdesk's v2 API tickets with their conversations, {@code --format freshdesk}, optionally read
 * with the contacts and agents ({@code --users}) that name requesters and writers.
 */
public final class FreshdeskFormat extends ExportFormat {

    /** Resolved (4) and Closed (5), as numbers or as the names some export tools write. */
    private static final Set<String> CLOSED_STATUSES = Set.of("4", "5", "resolved", "closed");

    /**
     * Open (2), Pending (3), and the two custom statuses Freshdesk adds to new accounts, Waiting on
     * Customer (6) and Waiting on Third Party (7), by name.
     */
    private static final Set<String> OPEN_STATUS_NAMES =
            Set.of("2", "3", "open", "pending", "waiting on customer", "waiting on third party");

    /** Statuses an admin adds are numbered after Closed (5). */
    private static final int FIRST_CUSTOM_STATUS = 6;

    public FreshdeskFormat() {
        super("freshdesk", SourceSystem.FRESHDESK, Users.OPTIONAL);
    }

    @Override
    public boolean recognisesJson(JsonNode record) {
        return record.has("description_text")
                || (record.has("requester_id") && record.has("conversations"));
    }

    @Override
    public RecordParser open(ExportFile file, ReadContext context) {
        return JsonRecordParser.open(
                file.path(),
                file.displayName(),
                context.opener(),
                new FreshdeskTicketMapper(
                        context.people(file.format(), FreshdeskTicketMapper::entry)));
    }

    /**
     * A ticket's status as the planner reads it: closed when resolved or closed; open when open,
     * pending, a custom status's number or one of the custom statuses Freshdesk adds, or not given;
     * empty for any other value, which is not Freshdesk's.
     */
    static Optional<String> status(String written) {
        if (StringUtils.isBlank(written) || Keywords.isIn(written, OPEN_STATUS_NAMES)) {
            return Optional.of("open");
        }
        if (Keywords.isIn(written, CLOSED_STATUSES)) {
            return Optional.of("closed");
        }
        String number = written.trim();
        boolean custom =
                number.chars().allMatch(Character::isDigit)
                        && number.length() < 10
                        && Integer.parseInt(number) >= FIRST_CUSTOM_STATUS;
        return custom ? Optional.of("open") : Optional.empty();
    }
}
