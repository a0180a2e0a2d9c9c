package dev.migrator.mapping;

import static org.apache.commons.lang3.StringUtils.trimToNull;

import dev.migrator.mapping.MappedRecord.Planned;
import dev.migrator.mapping.MappedRecord.Rejected;
import dev.migrator.mapping.PlannedConversation.ContactRole;
import dev.migrator.mapping.PlannedConversation.PlannedCompany;
import dev.migrator.mapping.PlannedConversation.PlannedContact;
import dev.migrator.mapping.PlannedConversation.PlannedDetails;
import dev.migrator.mapping.PlannedPart.Author;
import dev.migrator.source.SourceAttachment;
import dev.migrator.source.SourceConversation;
import dev.migrator.source.SourceConversation.Details;
import dev.migrator.source.SourceConversation.SourceCompany;
import dev.migrator.source.SourceConversation.SourceContact;
import dev.migrator.source.SourceConversation.SourceMessage;
import dev.migrator.source.SourceRecord;
import dev.migrator.source.SourceSystem;
import dev.migrator.source.Timestamps;
import dev.migrator.support.EmailAddresses;
import dev.migrator.support.Keywords;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.commons.lang3.StringUtils;
import org.springframework.batch.infrastructure.item.ItemProcessor;

/**
 * Applies the mapping rules (listed in docs/mapping-rules.md) to one source conversation. Pure: no
 * I/O, so a record always maps the same way, on a first run and on a restart.
 */
public class ConversationPlanner implements ItemProcessor<SourceRecord, MappedRecord> {

    /** Intercom takes at most this many attachment URLs on one part. */
    static final int MAX_ATTACHMENTS = 10;

    private static final Pattern TAG_START = Pattern.compile("<(?=[A-Za-z/!?])");
    private static final Set<String> CLOSED_STATUSES = Set.of("closed", "solved");

    private final ZoneId timezone;
    private final Clock clock;
    private final Map<String, String> teams;
    private final List<InboxMappingProperties.Entry> attributes;

    public ConversationPlanner(ZoneId timezone, Clock clock) {
        this(timezone, clock, InboxMappingProperties.NONE);
    }

    public ConversationPlanner(ZoneId timezone, Clock clock, InboxMappingProperties inbox) {
        this.timezone = timezone;
        this.clock = clock;
        this.teams = new HashMap<>();
        inbox.teams().forEach(entry -> teams.put(teamKey(entry.source()), entry.intercom()));
        this.attributes = inbox.attributes();
    }

    @Override
    public MappedRecord process(SourceRecord record) {
        if (!record.readable()) {
            return new Rejected(record.origin(), record.problem());
        }
        try {
            return new Planned(record.origin(), plan(record.conversation()));
        } catch (RejectedRecordException e) {
            return new Rejected(record.origin(), e.getMessage());
        }
    }

    PlannedConversation plan(SourceConversation source) {
        SourceSystem system = source.system();
        String id = trimToNull(source.id());
        if (id == null) {
            throw new RejectedRecordException("the " + system.conversationNoun() + " has no id");
        }
        String label = system.conversationNoun() + " " + id;
        PlannedContact contact = contact(source.contact(), label);
        if (source.messages().isEmpty()) {
            throw new RejectedRecordException(label + " has no " + system.messageNoun() + "s");
        }
        List<PlannedPart> parts = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        List<String> messageKeys = MessageKeys.of(source.messages());
        for (int i = 0; i < source.messages().size(); i++) {
            PlannedPart part =
                    part(
                            source.messages().get(i),
                            messageKeys.get(i),
                            i,
                            label,
                            system.messageNoun());
            if (!keys.add(part.key())) {
                throw new RejectedRecordException(
                        label
                                + ": "
                                + system.messageNoun()
                                + " id "
                                + part.key()
                                + " appears more than once");
            }
            parts.add(part);
        }
        List<String> warnings = new ArrayList<>(source.warnings());
        List<PlannedPart> sorted =
                parts.stream().sorted(Comparator.comparingLong(PlannedPart::createdAt)).toList();
        if (!sorted.equals(parts)) {
            warnings.add(
                    label
                            + ": "
                            + system.messageNoun()
                            + "s were out of time order in the export and were sorted by"
                            + " created_at");
        }
        List<PlannedPart> ordered = new ArrayList<>(sorted);
        PlannedPart first = ordered.get(0);
        if (!first.byContact() || first.note()) {
            // Intercom conversations open with a contact message; never put an agent's words in the
            // customer's mouth.
            ordered.add(0, openingFor(first));
            warnings.add(
                    label + ": started by an agent; opened with a marker message from the contact");
        }
        PlannedDetails details = details(source.details(), label, warnings);
        return new PlannedConversation(
                system.ledgerKey(id),
                contact,
                trimToNull(source.subject()),
                List.copyOf(ordered),
                Keywords.isIn(source.status(), CLOSED_STATUSES),
                tags(source.tags()),
                List.copyOf(warnings),
                details);
    }

    /**
     * Owner, team, attributes and company: none of them is a reason to reject a conversation, so a
     * value that cannot be used is left out with a warning.
     */
    private PlannedDetails details(Details source, String label, List<String> warnings) {
        String assignee = trimToNull(source.assigneeEmail());
        if (assignee != null && !EmailAddresses.isAddress(assignee)) {
            warnings.add(
                    label
                            + ": assignee '"
                            + assignee
                            + "' is not an email address; left unassigned");
            assignee = null;
        }
        String team = teamName(source.team());
        Map<String, String> values = new LinkedHashMap<>();
        for (InboxMappingProperties.Entry attribute : attributes) {
            String value = source.fields().get(attribute.source());
            if (StringUtils.isNotBlank(value)) {
                values.put(attribute.intercom(), value.strip());
            }
        }
        SourceCompany company = source.company();
        String companyId = company == null ? null : trimToNull(company.id());
        return new PlannedDetails(
                Keywords.normalize(assignee),
                team,
                values,
                companyId == null
                        ? null
                        : new PlannedCompany(companyId, trimToNull(company.name())));
    }

    /**
     * The name of the Intercom team a source team is ({@code mapping.teams}, else its own name), or
     * {@code null} for none.
     */
    public String teamName(String sourceTeam) {
        String team = trimToNull(sourceTeam);
        return team == null ? null : teams.getOrDefault(teamKey(team), team);
    }

    /** The source fields {@code mapping.attributes} fills conversation attributes with. */
    public List<InboxMappingProperties.Entry> attributeMapping() {
        return attributes;
    }

    /** Teams are matched ignoring case and surrounding spaces, as helpdesks show their names. */
    private static String teamKey(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }

    private PlannedContact contact(SourceContact source, String label) {
        if (source == null) {
            throw new RejectedRecordException(label + " has no contact");
        }
        String email = trimToNull(source.email());
        String externalId = trimToNull(source.externalId());
        if (email == null && externalId == null) {
            throw new RejectedRecordException(
                    label + ": the contact has neither an email nor an external_id");
        }
        if (email != null && !EmailAddresses.isAddress(email)) {
            throw new RejectedRecordException(
                    label + ": contact email '" + email + "' is not an email address");
        }
        String role = trimToNull(source.role());
        ContactRole contactRole;
        if (role == null || role.equalsIgnoreCase("user")) {
            contactRole = ContactRole.USER;
        } else if (role.equalsIgnoreCase("lead")) {
            contactRole = ContactRole.LEAD;
        } else {
            throw new RejectedRecordException(
                    label + ": contact role '" + role + "' is neither user nor lead");
        }
        return new PlannedContact(
                Keywords.normalize(email), externalId, trimToNull(source.name()), contactRole);
    }

    private PlannedPart part(
            SourceMessage message, String key, int index, String label, String noun) {
        String messageId = trimToNull(message.id());
        String name =
                label + ", " + noun + " " + (messageId != null ? messageId : "#" + (index + 1));
        Author author = author(message.authorType(), name);
        if (message.internal() && author == Author.CONTACT) {
            throw new RejectedRecordException(
                    name + " is internal but written by the contact; only agents write notes");
        }
        long createdAt = createdAt(message.createdAt(), name);
        List<PlannedAttachment> files = attachments(message.attachments(), name);
        String body =
                message.body() == null
                        ? ""
                        : neutralizeTags(HtmlToText.toPlainText(message.body()).strip());
        if (files.size() > MAX_ATTACHMENTS) {
            List<PlannedAttachment> overflow = files.subList(MAX_ATTACHMENTS, files.size());
            body =
                    (body.isEmpty() ? "" : body + "\n\n")
                            + "More attachments:\n"
                            + overflow.stream()
                                    .map(PlannedAttachment::url)
                                    .collect(Collectors.joining("\n"));
            files = files.subList(0, MAX_ATTACHMENTS);
        }
        if (body.isEmpty()) {
            if (files.isEmpty()) {
                throw new RejectedRecordException(name + " has an empty body and no attachments");
            }
            body = "(attachments only)";
        }
        String agentEmail =
                author == Author.AGENT
                        ? Keywords.normalize(trimToNull(message.authorEmail()))
                        : null;
        String agentName = author == Author.AGENT ? trimToNull(message.authorName()) : null;
        return new PlannedPart(
                key,
                author,
                agentEmail,
                agentName,
                message.internal(),
                body,
                createdAt,
                List.copyOf(files));
    }

    /**
     * User text such as "&lt;which plan?&gt;" decodes to something that reads as a tag; a
     * zero-width space after the '<' keeps it visibly the same while no HTML parser (Intercom's
     * included) takes it for markup.
     */
    static String neutralizeTags(String text) {
        return TAG_START.matcher(text).replaceAll("<\u200B");
    }

    private static Author author(String type, String name) {
        return switch (StringUtils.defaultString(Keywords.normalize(type))) {
            case "contact" -> Author.CONTACT;
            case "agent" -> Author.AGENT;
            case "" ->
                    throw new RejectedRecordException(
                            name + " has no author type (contact or agent)");
            default ->
                    throw new RejectedRecordException(
                            name + ": author type '" + type + "' is neither contact nor agent");
        };
    }

    private long createdAt(String raw, String name) {
        if (StringUtils.isBlank(raw)) {
            throw new RejectedRecordException(name + " has no created_at");
        }
        long epochSecond;
        try {
            epochSecond = Timestamps.toEpochSecond(raw.trim(), timezone);
        } catch (IllegalArgumentException e) {
            throw new RejectedRecordException(name + ": " + e.getMessage());
        }
        if (epochSecond < 0) {
            throw new RejectedRecordException(name + ": created_at '" + raw + "' is before 1970");
        }
        if (epochSecond > clock.instant().getEpochSecond()) {
            throw new RejectedRecordException(name + ": created_at '" + raw + "' is in the future");
        }
        return epochSecond;
    }

    /** The message's files, each URL once (the first one's name and type kept). */
    private static List<PlannedAttachment> attachments(
            List<SourceAttachment> attachments, String name) {
        Map<String, PlannedAttachment> byUrl = new LinkedHashMap<>();
        for (SourceAttachment attachment : attachments) {
            String url = attachment.url().trim();
            if (!isWebUrl(url)) {
                throw new RejectedRecordException(
                        name + ": attachment '" + url + "' is not an http(s) URL");
            }
            byUrl.putIfAbsent(
                    url,
                    new PlannedAttachment(
                            url,
                            fileName(attachment.name(), url),
                            trimToNull(attachment.contentType())));
        }
        return new ArrayList<>(byUrl.values());
    }

    /**
     * The export's file name, else the last non-empty segment of the URL's path, percent-decoded,
     * else "attachment". {@code url} is a valid http(s) URL.
     */
    static String fileName(String given, String url) {
        String name = trimToNull(given);
        if (name != null) {
            return name;
        }
        String[] segments = URI.create(url).getRawPath().split("/");
        for (int i = segments.length - 1; i >= 0; i--) {
            if (!segments[i].isEmpty()) {
                // A path keeps '+' as itself: only %XX is decoded (a valid URI's escapes are).
                String decoded =
                        URLDecoder.decode(segments[i].replace("+", "%2B"), StandardCharsets.UTF_8);
                if (!decoded.isBlank()) {
                    return decoded.strip();
                }
            }
        }
        return "attachment";
    }

    private static boolean isWebUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static PlannedPart openingFor(PlannedPart first) {
        // "Name (email)": angle brackets would read as a tag in Intercom.
        String who =
                first.agentName() != null && first.agentEmail() != null
                        ? first.agentName() + " (" + first.agentEmail() + ")"
                        : first.agentEmail() != null
                                ? first.agentEmail()
                                : first.agentName() != null ? first.agentName() : "an agent";
        return new PlannedPart(
                PlannedPart.START_MARKER + first.key(),
                Author.CONTACT,
                null,
                null,
                false,
                "Conversation started by " + who + ".",
                first.createdAt(),
                List.of());
    }

    private static List<String> tags(List<String> tags) {
        return tags.stream().map(String::trim).filter(t -> !t.isEmpty()).distinct().toList();
    }

    /** A rule the record breaks; the message is the reject reason shown to the user. */
    static final class RejectedRecordException extends RuntimeException {
        RejectedRecordException(String reason) {
            super(reason);
        }
    }
}
