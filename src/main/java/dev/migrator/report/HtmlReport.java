package dev.migrator.report;

import dev.migrator.delivery.InboxTally;
import dev.migrator.ledger.Ledger.Progress;
import dev.migrator.ledger.Ledger.Reject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jsoup.nodes.Entities;

/**
 * A run's report as one self-contained HTML page (no script, no external file): its totals, its
 * calls per second over time as an inline SVG chart, and its rejects grouped by reason.
 */
final class HtmlReport {

    private static final int BUCKETS = 60;
    private static final int WIDTH = 720;
    private static final int HEIGHT = 200;
    private static final Pattern LEADING_IDS =
            Pattern.compile("^[a-z]+ [^ ,:]+(, [a-z]+ [^ ,:]+)*(: | (?=has |is ))");
    private static final Pattern QUOTED = Pattern.compile("'[^']*'");
    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private HtmlReport() {}

    /**
     * One kind of reject: the reason with its ids and values taken out, how many, and the first of
     * them.
     */
    record RejectGroup(String kind, long count, Reject first) {}

    static String render(RunSummary summary, List<Progress> progress, List<RejectGroup> rejects) {
        StringBuilder html = new StringBuilder(16_384);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>Run ")
                .append(summary.runId())
                .append(" — conversation-migrator</title><style>")
                .append(
                        "body{font:14px/1.5 system-ui,sans-serif;margin:2em"
                                + " auto;max-width:60em;color:#222}")
                .append(
                        "table{border-collapse:collapse;margin:1em 0}td,th{border-bottom:1px solid"
                                + " #ddd;padding:.3em .8em;")
                .append(
                        "text-align:left;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}")
                .append(
                        "svg{border:1px solid"
                                + " #ddd}.bar{fill:#4a7bd0}.axis{font-size:11px;fill:#555}")
                .append("</style></head><body>\n");
        html.append("<h1>Run ")
                .append(summary.runId())
                .append(": ")
                .append(escape(summary.status()))
                .append("</h1>\n");
        html.append("<p>")
                .append(
                        summary.dryRun()
                                ? "Dry run (nothing sent)"
                                : "Workspace " + escape(summary.target()))
                .append(", from ")
                .append(escape(String.valueOf(summary.startedAt())))
                .append(" to ")
                .append(escape(String.valueOf(summary.endedAt())))
                .append(".</p>\n");
        if (summary.lastError() != null) {
            html.append("<p><strong>Last error:</strong> ")
                    .append(escape(summary.lastError()))
                    .append("</p>\n");
        }
        if (summary.resumeCommand() != null) {
            html.append("<p>To resume: <code>")
                    .append(escape(summary.resumeCommand()))
                    .append("</code></p>\n");
        }
        html.append("<h2>Totals</h2>\n<table id=\"totals\">\n");
        row(html, "records_read", "Records read", summary.conversationsRead());
        row(
                html,
                "conversations_migrated",
                "Conversations migrated",
                summary.conversationsMigrated());
        row(
                html,
                "conversations_already_migrated",
                "Already migrated",
                summary.conversationsAlreadyMigrated());
        row(html, "conversations_rejected", "Rejected", summary.conversationsRejected());
        row(html, "replies_sent", "Replies sent", summary.repliesSent());
        row(
                html,
                "api_calls",
                summary.dryRun() ? "Requests written" : "API calls",
                summary.apiCalls());
        html.append(
                        "<tr><th>Calls per migrated conversation</th><td class=\"n\""
                                + " data-field=\"calls_per_conversation\">")
                .append(String.format(Locale.ROOT, "%.2f", summary.callsPerConversation()))
                .append("</td></tr>\n");
        html.append(
                        "<tr><th>Least possible per migrated conversation</th><td class=\"n\""
                                + " data-field=\"ideal_calls_per_conversation\">")
                .append(String.format(Locale.ROOT, "%.2f", summary.idealCallsPerConversation()))
                .append("</td></tr>\n");
        row(html, "warnings", "Warnings", summary.warnings());
        row(
                html,
                "attachments_failed",
                "Attachments not carried (sent as links)",
                summary.attachmentsFailed());
        html.append("</table>\n<p>Inputs: ")
                .append(escape(String.join(", ", summary.inputs())))
                .append("</p>\n");
        inbox(html, summary.inbox());
        html.append("<h2>Calls per second</h2>\n").append(chart(progress)).append('\n');
        html.append("<h2>Rejects by reason</h2>\n");
        if (rejects.isEmpty()) {
            html.append("<p>None.</p>\n");
        } else {
            html.append(
                    "<table id=\"rejects\"><tr><th>Reason</th><th>Records</th><th>First of"
                            + " them</th></tr>\n");
            for (RejectGroup group : rejects) {
                Reject first = group.first();
                html.append("<tr><td>")
                        .append(escape(group.kind()))
                        .append("</td><td class=\"n\">")
                        .append(group.count())
                        .append("</td><td>")
                        .append(
                                escape(
                                        first.file()
                                                + ", line "
                                                + first.line()
                                                + (first.sourceId() == null
                                                        ? ""
                                                        : ", id " + first.sourceId())
                                                + ": "
                                                + first.reason()))
                        .append("</td></tr>\n");
            }
            html.append("</table>\n<p>Every rejected record, with its text: <code>")
                    .append(escape(summary.rejectsFile()))
                    .append("</code></p>\n");
        }
        return html.append("</body></html>\n").toString();
    }

    /** Counts rejects by kind as they stream past, keeping only the first of each kind. */
    static final class RejectTally implements Consumer<Reject> {
        private final Map<String, long[]> counts = new LinkedHashMap<>();
        private final Map<String, Reject> firsts = new LinkedHashMap<>();

        @Override
        public void accept(Reject reject) {
            String kind = kindOf(reject.reason());
            counts.computeIfAbsent(kind, k -> new long[1])[0]++;
            firsts.putIfAbsent(
                    kind,
                    new Reject(
                            reject.file(),
                            reject.line(),
                            reject.sourceId(),
                            reject.reason(),
                            null));
        }

        /** Largest group first. */
        List<RejectGroup> groups() {
            List<RejectGroup> groups = new ArrayList<>();
            counts.forEach(
                    (kind, count) -> groups.add(new RejectGroup(kind, count[0], firsts.get(kind))));
            groups.sort(Comparator.comparingLong(RejectGroup::count).reversed());
            return groups;
        }
    }

    static String kindOf(String reason) {
        String kind = LEADING_IDS.matcher(reason).replaceFirst("");
        kind = QUOTED.matcher(kind).replaceAll("'…'");
        return NUMBER.matcher(kind).replaceAll("N");
    }

    private static void row(StringBuilder html, String field, String label, long value) {
        html.append("<tr><th>")
                .append(label)
                .append("</th><td class=\"n\" data-field=\"")
                .append(field)
                .append("\">")
                .append(value)
                .append("</td></tr>\n");
    }

    /**
     * Bars of calls per second over the run's committed chunks, in up to {@value #BUCKETS} equal
     * slices of time.
     */
    private static String chart(List<Progress> progress) {
        if (progress.size() < 2) {
            return "<p>Too short a run to chart.</p>";
        }
        long start = progress.get(0).atMillis();
        long span = Math.max(1, progress.get(progress.size() - 1).atMillis() - start);
        double[] calls = new double[BUCKETS];
        for (Progress point : progress) {
            int bucket = (int) Math.min(BUCKETS - 1, (point.atMillis() - start) * BUCKETS / span);
            calls[bucket] += point.calls();
        }
        double bucketSeconds = span / 1000.0 / BUCKETS;
        double peak = 0;
        for (int i = 0; i < BUCKETS; i++) {
            calls[i] = calls[i] / Math.max(bucketSeconds, 0.001);
            peak = Math.max(peak, calls[i]);
        }
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(WIDTH + 60)
                .append("\" height=\"")
                .append(HEIGHT + 40)
                .append("\" role=\"img\" aria-label=\"calls per second over time\">");
        double barWidth = (double) WIDTH / BUCKETS;
        for (int i = 0; i < BUCKETS; i++) {
            double height = peak == 0 ? 0 : calls[i] / peak * HEIGHT;
            svg.append(
                    String.format(
                            Locale.ROOT,
                            "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\""
                                    + " height=\"%.1f\"><title>%.1f calls/s</title></rect>",
                            50 + i * barWidth,
                            10 + HEIGHT - height,
                            Math.max(barWidth - 1, 1),
                            height,
                            calls[i]));
        }
        svg.append(
                        String.format(
                                Locale.ROOT,
                                "<text class=\"axis\" x=\"0\" y=\"20\">%.1f/s</text>",
                                peak))
                .append("<text class=\"axis\" x=\"0\" y=\"")
                .append(HEIGHT + 10)
                .append("\">0</text>")
                .append("<text class=\"axis\" x=\"50\" y=\"")
                .append(HEIGHT + 30)
                .append("\">0 s</text>")
                .append(
                        String.format(
                                Locale.ROOT,
                                "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f"
                                        + " s</text>",
                                50 + WIDTH,
                                HEIGHT + 30,
                                span / 1000.0))
                .append("</svg>");
        return svg.toString();
    }

    private static String escape(String text) {
        return text == null ? "" : Entities.escape(text);
    }

    /** What was set around the threads, and what could not be placed (summary.json's "inbox"). */
    private static void inbox(StringBuilder html, InboxTally inbox) {
        html.append("<h2>Around the threads</h2>\n<table id=\"inbox\">\n");
        row(html, "titles_set", "Titles set", inbox.titlesSet());
        row(html, "admin_assignments", "Assigned to an admin", inbox.adminAssignments());
        row(html, "team_assignments", "Assigned to a team", inbox.teamAssignments());
        row(html, "attributes_set", "Attribute values set", inbox.attributesSet());
        row(
                html,
                "companies_attached",
                "Contacts attached to a company",
                inbox.companiesAttached());
        html.append("</table>\n");
        unplaced(html, "Assignees no admin has (left unassigned)", inbox.unmatchedAssignees());
        unplaced(html, "Teams Intercom does not have (left unassigned)", inbox.unmatchedTeams());
        unplaced(
                html,
                "Attribute values that did not fit their type (left out)",
                inbox.attributesLeftOut());
    }

    private static void unplaced(StringBuilder html, String title, Map<String, Long> counts) {
        if (counts.isEmpty()) {
            return;
        }
        html.append("<p>").append(escape(title)).append(": ");
        html.append(
                escape(
                        counts.entrySet().stream()
                                .map(e -> e.getKey() + " (" + e.getValue() + ")")
                                .collect(Collectors.joining(", "))));
        html.append("</p>\n");
    }
}
