package dev.migrator.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.ledger.Ledger.Reject;
import java.util.List;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    @Test
    void rejectsDifferingOnlyInIdsAndValuesAreOneKind() {
        HtmlReport.RejectTally tally = new HtmlReport.RejectTally();
        List.of(
                        new Reject(
                                "t.jsonl",
                                5,
                                "105",
                                "ticket 105: requester 9004 is not in the users file u.jsonl",
                                "{}"),
                        new Reject(
                                "t.jsonl",
                                9,
                                "107",
                                "ticket 107: requester 9999 is not in the users file u.jsonl",
                                "{}"),
                        new Reject(
                                "c.json",
                                3,
                                "c-1",
                                "conversation c-1, message m-2: created_at '2999-01-01' is in the"
                                        + " future",
                                null),
                        new Reject("c.json", 4, "c-2", "conversation c-2 has no messages", null))
                .forEach(tally);

        List<HtmlReport.RejectGroup> groups = tally.groups();

        assertThat(groups)
                .extracting(HtmlReport.RejectGroup::kind)
                .containsExactly(
                        "requester N is not in the users file u.jsonl",
                        "created_at '…' is in the future",
                        "has no messages");
        assertThat(groups.get(0).count()).isEqualTo(2);
        assertThat(groups.get(0).first().line()).isEqualTo(5);
        assertThat(groups.get(0).first().record()).as("the record text is not kept").isNull();
    }
}
