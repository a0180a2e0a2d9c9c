package dev.migrator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.testserver.FakeIntercom;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, case 3, end to end: a CSV export without message ids, migrated, then migrated again
 * after the user corrects {@code mapping.timezone}. The corrected mapping is a new run, and it
 * sends nothing: every message, the openings included, keeps its ledger key.
 */
class MessageKeysSurviveMappingFixesEndToEndTest {

    private static final String EXPORT =
            """
            Ticket;Customer email;Sender;Sender email;Sent at;Text
            t-1;zoe@example.fr;Customer;;04/03/2021 09:14;<p>Bonjour, ma commande n'est pas arrivée.</p>
            t-1;zoe@example.fr;Agent;bob@acme.example;04/03/2021 10:02;<p>Elle part aujourd'hui.</p>
            t-1;zoe@example.fr;Customer;;04/03/2021 10:05;ok
            t-1;zoe@example.fr;Customer;;04/03/2021 10:06;ok
            t-2;ana@example.pt;Agent;carol@acme.example;05/03/2021 08:00;<p>Votre abonnement expire.</p>
            t-2;ana@example.pt;Customer;;05/03/2021 08:30;Merci !
            """;

    @TempDir Path workDir;

    private FakeIntercom intercom;

    @BeforeEach
    void startIntercom() {
        intercom = FakeIntercom.start();
        Agents.addTo(intercom);
    }

    @AfterEach
    void stopIntercom() {
        intercom.close();
    }

    @Test
    void case3_aRunAfterTheTimezoneIsCorrectedSendsNothingAgain() throws Exception {
        Path export = workDir.resolve("export.csv");
        Files.writeString(export, EXPORT, StandardCharsets.UTF_8);

        MigratorProcess.Result first =
                migrator("UTC").run("migrate", "--input", export.toString(), "--format", "csv");

        assertThat(first.exitCode()).as(first.all()).isZero();
        assertThat(intercom.conversations()).hasSize(2);
        // Parts after the opening: t-1's three replies; t-2's agent message after its marker, and
        // the customer's answer.
        assertThat(intercom.conversations())
                .extracting(c -> c.parts().size())
                .containsExactlyInAnyOrder(3, 2);
        List<FakeIntercom.ReceivedRequest> sent = intercom.receivedRequests();

        MigratorProcess.Result corrected =
                migrator("Europe/Paris")
                        .run("migrate", "--input", export.toString(), "--format", "csv");

        assertThat(corrected.exitCode()).as(corrected.all()).isZero();
        assertThat(corrected.out()).contains("Run 2 ");
        assertThat(intercom.conversations())
                .extracting(c -> c.parts().size())
                .containsExactlyInAnyOrder(3, 2);
        assertThat(
                        intercom.receivedRequests()
                                .subList(sent.size(), intercom.receivedRequests().size()))
                .as("requests of the second run")
                .noneMatch(r -> r.method().equals("POST"));
    }

    private MigratorProcess migrator(String timezone) throws Exception {
        return new MigratorProcess(
                workDir,
                intercom.baseUrl(),
                FakeIntercom.TOKEN,
                """
                mapping:
                  columns:
                    conversation_id: Ticket
                    contact_email: Customer email
                    author_type: Sender
                    author_email: Sender email
                    created_at: Sent at
                    body: Text
                  delimiter: ";"
                  date-format: dd/MM/yyyy HH:mm
                  timezone: %s
                  contact-authors: [Customer]
                  agent-authors: [Agent]
                """
                        .formatted(timezone));
    }
}
