package dev.migrator.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.util.MinimalPrettyPrinter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes large exports for load tests, in constant memory: one conversation is generated and
 * written at a time. The same seed always gives the same file. Canonical JSON, JSON Lines or CSV;
 * or {@code zendesk}: tickets JSON Lines, with the users export written beside them as {@code
 * users.jsonl}.
 *
 * <pre>ExportGenerator &lt;json|jsonl|csv|zendesk&gt; &lt;count&gt; &lt;outFile&gt; [seed]</pre>
 */
public final class ExportGenerator {

    static final List<String> CSV_HEADER =
            List.of(
                    "conversation_id",
                    "conversation_created_at",
                    "subject",
                    "status",
                    "tags",
                    "contact_email",
                    "contact_external_id",
                    "contact_name",
                    "contact_role",
                    "message_id",
                    "author_type",
                    "author_email",
                    "author_name",
                    "internal",
                    "created_at",
                    "body",
                    "attachments");

    private static final int CONTACTS = 5000;
    private static final long START = Instant.parse("2019-01-01T00:00:00Z").getEpochSecond();
    private static final String[][] AGENTS = {
        {"bob@acme.example", "Bob Stone"}, {"carol@acme.example", "Carol Diaz"}
    };
    private static final String[] SUBJECTS = {
        "Refund request",
        "Cannot log in",
        "Shipping delay",
        "Invoice copy",
        "Feature question",
        "Cancel my subscription",
        "Bug in export",
        "Pricing"
    };
    private static final String[] TAGS = {
        "billing", "login", "shipping", "bug", "sales", "vip", "mobile"
    };
    private static final String[] CONTACT_BODIES = {
        "Hi, order #%d has not arrived yet. Could you check?",
        "Hello,\n\nthe \"Export\" button, on the reports page, does nothing (ticket %d).\n\nThanks",
        "Thanks, that fixed it! Ref %d.",
        "I was charged twice, $%d each time. Please refund one.",
    };
    private static final String[] AGENT_BODIES = {
        "<p>Hi,</p><p>Thanks for reaching out &amp; sorry for the wait.</p><ul><li>Sign"
                + " out</li><li>Sign in again</li></ul><p>See <a"
                + " href=\"https://help.acme.example/articles/%d\">this article</a>.</p>",
        "<p>I&#39;ve refunded the duplicate charge (case %d). It takes 5&ndash;10 days.</p>",
        "Your order %d ships tomorrow.",
        "Escalated to engineering as issue %d.",
    };

    private enum Format {
        JSON,
        JSONL,
        CSV,
        ZENDESK
    }

    /** Zendesk user ids: agents first, then the contacts. */
    private static final long FIRST_CONTACT_USER_ID = 1000;

    record Contact(String email, String externalId, String name, String role) {}

    record Message(
            String id,
            boolean agent,
            String authorEmail,
            String authorName,
            boolean internal,
            Object createdAt,
            String body,
            List<String> attachments) {}

    record Conversation(
            String id,
            String subject,
            String status,
            List<String> tags,
            Contact contact,
            List<Message> messages) {}

    private final Random random;
    private final boolean details;
    private long clock = START;
    private long next;

    private ExportGenerator(long seed, boolean details) {
        this.random = new Random(seed);
        this.details = details;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3 || args.length > 4) {
            System.err.println(
                    "usage: ExportGenerator <json|jsonl|csv|zendesk> <count> <outFile> [seed]");
            System.exit(2);
        }
        long seed = args.length == 4 ? Long.parseLong(args[3]) : 1L;
        generate(args[0], Long.parseLong(args[1]), Path.of(args[2]), seed);
    }

    /**
     * Writes {@code count} conversations in {@code format} (json, jsonl, csv or zendesk) to {@code
     * out}.
     */
    public static void generate(String format, long count, Path out, long seed) throws IOException {
        generate(format, count, out, seed, false);
    }

    /**
     * As {@link #generate(String, long, Path, long)}, each canonical JSON conversation also
     * carrying what agents see around the thread: {@code assignee_email} (Bob or Carol, and for
     * every seventh an agent no workspace has, {@code nobody@acme.example}), {@code team} ({@code
     * Billing} or {@code Support}), {@code attributes} ({@code priority}: {@code low} or {@code
     * high}; {@code order}: a number) and the contact's company ({@code acme-0} to {@code
     * acme-39}). The rest is the same conversations as without them.
     */
    public static void generateWithDetails(String format, long count, Path out, long seed)
            throws IOException {
        generate(format, count, out, seed, true);
    }

    private static void generate(String format, long count, Path out, long seed, boolean details)
            throws IOException {
        ExportGenerator generator = new ExportGenerator(seed, details);
        switch (Format.valueOf(format.toUpperCase(Locale.ROOT))) {
            case JSON -> generator.writeJson(count, out, true);
            case JSONL -> generator.writeJson(count, out, false);
            case CSV -> generator.writeCsv(count, out);
            case ZENDESK -> generator.writeZendesk(count, out, out.resolveSibling("users.jsonl"));
        }
    }

    private void writeZendesk(long count, Path tickets, Path users) throws IOException {
        JsonMapper mapper = JsonMapper.builder().build();
        MinimalPrettyPrinter onePerLine = new MinimalPrettyPrinter("\n");
        try (OutputStream stream = Files.newOutputStream(users);
                JsonGenerator json = mapper.writer().with(onePerLine).createGenerator(stream)) {
            for (int a = 0; a < AGENTS.length; a++) {
                writeZendeskUser(json, a + 1, AGENTS[a][0], null, AGENTS[a][1], "agent");
            }
            for (int k = 0; k < CONTACTS; k++) {
                writeZendeskUser(
                        json,
                        FIRST_CONTACT_USER_ID + k,
                        "customer-" + k + "@example.com",
                        "u-" + k,
                        "Customer " + k,
                        "end-user");
            }
            json.writeRaw("\n");
        }
        try (OutputStream stream = Files.newOutputStream(tickets);
                JsonGenerator json = mapper.writer().with(onePerLine).createGenerator(stream)) {
            for (long n = 0; n < count; n++) {
                writeZendeskTicket(json, nextConversation());
            }
            json.writeRaw("\n");
        }
    }

    private static void writeZendeskUser(
            JsonGenerator json,
            long id,
            String email,
            String externalId,
            String name,
            String role) {
        json.writeStartObject();
        json.writeObjectPropertyStart("user");
        json.writeNumberProperty("id", id);
        json.writeStringProperty("name", name);
        json.writeStringProperty("email", email);
        json.writeStringProperty("external_id", externalId);
        json.writeStringProperty("role", role);
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void writeZendeskTicket(JsonGenerator json, Conversation c) {
        long requester =
                FIRST_CONTACT_USER_ID + Long.parseLong(c.contact().externalId().substring(2));
        json.writeStartObject();
        json.writeObjectPropertyStart("ticket");
        json.writeNumberProperty("id", Long.parseLong(c.id().substring(2)));
        json.writeStringProperty("subject", c.subject());
        json.writeStringProperty("status", c.status().equals("closed") ? "solved" : "open");
        json.writeNumberProperty("requester_id", requester);
        writeStrings(json, "tags", c.tags());
        json.writeStringProperty("created_at", iso(c.messages().get(0).createdAt()));
        json.writeArrayPropertyStart("comments");
        for (int i = 0; i < c.messages().size(); i++) {
            Message m = c.messages().get(i);
            json.writeStartObject();
            json.writeNumberProperty("id", Long.parseLong(c.id().substring(2)) * 10 + i);
            json.writeNumberProperty(
                    "author_id", m.agent() ? agentUserId(m.authorEmail()) : requester);
            json.writeStringProperty(m.agent() ? "html_body" : "plain_body", m.body());
            json.writeBooleanProperty("public", !m.internal());
            json.writeArrayPropertyStart("attachments");
            for (String url : m.attachments()) {
                json.writeStartObject();
                json.writeStringProperty("content_url", url);
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeStringProperty("created_at", iso(m.createdAt()));
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
        json.writeEndObject();
    }

    private static long agentUserId(String email) {
        for (int a = 0; a < AGENTS.length; a++) {
            if (AGENTS[a][0].equals(email)) {
                return a + 1;
            }
        }
        throw new IllegalArgumentException(email);
    }

    /** Zendesk writes every time as ISO-8601 UTC. */
    private static String iso(Object timestamp) {
        if (timestamp instanceof String text) {
            return text;
        }
        long value = (Long) timestamp;
        return Instant.ofEpochSecond(value >= 100_000_000_000L ? value / 1000 : value).toString();
    }

    private void writeJson(long count, Path out, boolean array) throws IOException {
        JsonMapper mapper = JsonMapper.builder().build();
        // Conversations are written as root values, one a line; for an array the brackets go around
        // them.
        MinimalPrettyPrinter onePerLine = new MinimalPrettyPrinter(array ? ",\n" : "\n");
        try (OutputStream stream = Files.newOutputStream(out);
                JsonGenerator json = mapper.writer().with(onePerLine).createGenerator(stream)) {
            if (array) {
                json.writeRaw("[\n");
            }
            for (long n = 0; n < count; n++) {
                writeJson(json, nextConversation());
            }
            json.writeRaw(array ? "\n]\n" : "\n");
        }
    }

    private void writeJson(JsonGenerator json, Conversation c) {
        json.writeStartObject();
        json.writeStringProperty("id", c.id());
        json.writeStringProperty("subject", c.subject());
        writeTimestamp(json, "created_at", c.messages().get(0).createdAt());
        json.writeStringProperty("status", c.status());
        writeStrings(json, "tags", c.tags());
        long n = Long.parseLong(c.id().substring(2));
        if (details) {
            json.writeStringProperty(
                    "assignee_email",
                    n % 7 == 0 ? "nobody@acme.example" : AGENTS[(int) (n % 2)][0]);
            json.writeStringProperty("team", n % 3 == 0 ? "Billing" : "Support");
            json.writeObjectPropertyStart("attributes");
            json.writeStringProperty("priority", n % 2 == 0 ? "high" : "low");
            json.writeNumberProperty("order", 1000 + n);
            json.writeEndObject();
        }
        json.writeObjectPropertyStart("contact");
        json.writeStringProperty("email", c.contact().email());
        json.writeStringProperty("external_id", c.contact().externalId());
        json.writeStringProperty("name", c.contact().name());
        json.writeStringProperty("role", c.contact().role());
        if (details) {
            int company = Integer.parseInt(c.contact().externalId().substring(2)) % 40;
            json.writeObjectPropertyStart("company");
            json.writeStringProperty("id", "acme-" + company);
            json.writeStringProperty("name", "Acme " + company);
            json.writeEndObject();
        }
        json.writeEndObject();
        json.writeArrayPropertyStart("messages");
        for (Message m : c.messages()) {
            json.writeStartObject();
            json.writeStringProperty("id", m.id());
            json.writeObjectPropertyStart("author");
            json.writeStringProperty("type", m.agent() ? "agent" : "contact");
            if (m.agent()) {
                json.writeStringProperty("email", m.authorEmail());
                json.writeStringProperty("name", m.authorName());
            }
            json.writeEndObject();
            json.writeStringProperty("body", m.body());
            writeTimestamp(json, "created_at", m.createdAt());
            if (!m.attachments().isEmpty()) {
                writeStrings(json, "attachments", m.attachments());
            }
            json.writeBooleanProperty("internal", m.internal());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void writeTimestamp(JsonGenerator json, String name, Object value) {
        if (value instanceof Long epoch) {
            json.writeNumberProperty(name, epoch);
        } else {
            json.writeStringProperty(name, (String) value);
        }
    }

    private static void writeStrings(JsonGenerator json, String name, List<String> values) {
        json.writeArrayPropertyStart(name);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }

    private void writeCsv(long count, Path out) throws IOException {
        CSVFormat format =
                CSVFormat.RFC4180
                        .builder()
                        .setHeader(CSV_HEADER.toArray(String[]::new))
                        .setRecordSeparator('\n')
                        .get();
        try (Writer writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8);
                CSVPrinter csv = new CSVPrinter(writer, format)) {
            for (long n = 0; n < count; n++) {
                Conversation c = nextConversation();
                Contact contact = c.contact();
                for (Message m : c.messages()) {
                    csv.printRecord(
                            c.id(),
                            c.messages().get(0).createdAt(),
                            c.subject(),
                            c.status(),
                            String.join("|", c.tags()),
                            contact.email(),
                            contact.externalId(),
                            contact.name(),
                            contact.role(),
                            m.id(),
                            m.agent() ? "agent" : "contact",
                            m.authorEmail(),
                            m.authorName(),
                            m.internal(),
                            m.createdAt(),
                            m.body(),
                            String.join("|", m.attachments()));
                }
            }
        }
    }

    private Conversation nextConversation() {
        long n = ++next;
        String id = "g-" + n;
        int k = (int) (n % CONTACTS);
        Contact contact =
                new Contact(
                        "customer-" + k + "@example.com",
                        "u-" + k,
                        "Customer " + k,
                        k % 4 == 0 ? "lead" : "user");
        List<String> tags = new ArrayList<>();
        for (int t = random.nextInt(3); t > 0; t--) {
            String tag = TAGS[random.nextInt(TAGS.length)];
            if (!tags.contains(tag)) {
                tags.add(tag);
            }
        }
        String status = random.nextInt(10) < 3 ? "closed" : "open";
        String subject = SUBJECTS[random.nextInt(SUBJECTS.length)];

        clock += 1 + random.nextInt(120);
        long time = clock;
        int size = 1 + random.nextInt(6);
        List<Message> messages = new ArrayList<>(size);
        for (int i = 1; i <= size; i++) {
            boolean agent = i % 2 == 0; // contact, agent, contact, …
            String[] author = agent ? AGENTS[random.nextInt(AGENTS.length)] : null;
            boolean internal = agent && random.nextInt(10) == 0;
            String[] bodies = agent ? AGENT_BODIES : CONTACT_BODIES;
            String body =
                    bodies[random.nextInt(bodies.length)].formatted(1000 + random.nextInt(90000));
            messages.add(
                    new Message(
                            id + "-" + i,
                            agent,
                            agent ? author[0] : null,
                            agent ? author[1] : null,
                            internal,
                            timestamp(time, i),
                            body,
                            attachments(id, i)));
            time += 1 + random.nextInt(3600);
        }
        return new Conversation(id, subject, status, tags, contact, messages);
    }

    /**
     * Rotates through the notations the readers accept: ISO with Z, epoch seconds, epoch
     * milliseconds.
     */
    private Object timestamp(long epochSecond, int i) {
        return switch ((int) ((next + i) % 3)) {
            case 0 -> Instant.ofEpochSecond(epochSecond).toString();
            case 1 -> epochSecond;
            default -> epochSecond * 1000 + random.nextInt(1000);
        };
    }

    /**
     * One message in ten has 1–3 attachments; every 500th conversation opens with 12 (more than one
     * part holds).
     */
    private List<String> attachments(String conversationId, int message) {
        int count =
                next % 500 == 0 && message == 1
                        ? 12
                        : random.nextInt(10) == 0 ? 1 + random.nextInt(3) : 0;
        List<String> urls = new ArrayList<>(count);
        for (int j = 1; j <= count; j++) {
            urls.add(
                    "https://files.acme.example/"
                            + conversationId
                            + "/"
                            + message
                            + "-"
                            + j
                            + ".pdf");
        }
        return urls;
    }
}
