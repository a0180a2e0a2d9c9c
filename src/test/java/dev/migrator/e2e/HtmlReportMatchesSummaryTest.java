package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.testserver.FakeIntercom;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTML report written at the end of a run, and by {@code report --html}, says what summary.json
 * says.
 */
class HtmlReportMatchesSummaryTest {

    @TempDir Path workDir;

    @Test
    void aCompletedRunsReportMatchesItsSummary() throws Exception {
        try (FakeIntercom intercom = FakeIntercom.start()) {
            Agents.addTo(intercom);
            MigratorProcess migrator =
                    new MigratorProcess(workDir, intercom.baseUrl(), FakeIntercom.TOKEN, "");
            MigratorProcess.Result result =
                    migrator.run("migrate", "--input", "samples/conversations.json");
            assertThat(result.exitCode()).as(result.all()).isEqualTo(3);
            Path html = migrator.runDir(1).resolve("report.html");
            assertThat(result.out()).contains("report:   " + html);

            JsonNode summary =
                    JsonMapper.builder()
                            .build()
                            .readTree(migrator.runDir(1).resolve("summary.json").toFile());
            Document report = Jsoup.parse(html.toFile());
            for (Element figure : report.select("#totals td[data-field]")) {
                String field = figure.attr("data-field");
                JsonNode expected =
                        summary.path(field.equals("records_read") ? "conversations_read" : field);
                assertThat(expected.isMissingNode()).as(field + " is in summary.json").isFalse();
                assertThat(Double.parseDouble(figure.text()))
                        .as(field)
                        .isEqualTo(expected.asDouble());
            }
            assertThat(report.select("#totals td[data-field]")).hasSize(10);
            for (Element figure : report.select("#inbox td[data-field]")) {
                String field = figure.attr("data-field");
                JsonNode expected = summary.path("inbox").path(field);
                assertThat(expected.isMissingNode()).as(field + " is in summary.json").isFalse();
                assertThat(Long.parseLong(figure.text())).as(field).isEqualTo(expected.asLong());
            }
            assertThat(report.select("#inbox td[data-field]")).hasSize(5);
            assertThat(report.select("h1").text()).isEqualTo("Run 1: COMPLETED");
            assertThat(report.select("svg rect.bar")).as("calls per second chart").isNotEmpty();
            assertThat(report.select("#rejects tr")).hasSize(2);
            assertThat(report.select("#rejects td").get(0).text())
                    .isEqualTo("the contact has neither an email nor an external_id");
            assertThat(report.select("#rejects td").get(1).text()).isEqualTo("1");
            assertThat(report.select("#rejects td").get(2).text()).contains("line", "c-1007");
            assertThat(report.select("script, link, img")).as("self-contained").isEmpty();

            Path copy = workDir.resolve("out/report.html");
            MigratorProcess.Result again = migrator.run("report", "--html", copy.toString());
            assertThat(again.exitCode()).as(again.all()).isZero();
            assertThat(Files.readString(copy)).isEqualTo(Files.readString(html));
        }
    }
}
