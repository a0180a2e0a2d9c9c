package dev.migrator.delivery;

import static dev.migrator.delivery.ScriptedTransport.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.intercom.IntercomApi;
import dev.migrator.mapping.PlannedConversation.ContactRole;
import dev.migrator.mapping.PlannedConversation.PlannedContact;
import dev.migrator.testserver.FakeIntercom.ManualClock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Contact resolution over the real {@link IntercomApi} and a real ledger (in-memory H2), with
 * transports that answer from a script.
 */
class ContactResolverTest {

    private static final String WORKSPACE = "app-1";
    private static final String SEARCH = "POST /contacts/search";
    private static final String CREATE = "POST /contacts";

    private final ManualClock clock = new ManualClock(Instant.parse("2024-05-01T12:00:00Z"));
    private final LedgerDatabase db = new LedgerDatabase();

    @AfterEach
    void dropDatabase() {
        db.close();
    }

    @Test
    void case8_twoWorkersCreatingTheSameContactAtOnceBothEndWithTheLedgersId() {
        PlannedContact contact =
                new PlannedContact("ann@example.com", null, "Ann", ContactRole.USER);
        ScriptedTransport second = new ScriptedTransport(clock);
        second.always(SEARCH, json("{\"data\":[]}"));
        second.always(CREATE, json("{\"id\":\"contact-2\"}"));
        ContactResolver secondWorker = resolver(second);
        AtomicReference<String> secondResolved = new AtomicReference<>();
        ScriptedTransport first = new ScriptedTransport(clock);
        first.always(SEARCH, json("{\"data\":[]}"));
        // While the first worker's create is on its way, the second worker resolves the same
        // contact from start to end and saves its id first.
        first.always(
                CREATE,
                request -> {
                    secondResolved.set(secondWorker.resolve(contact));
                    return json("{\"id\":\"contact-1\"}").answer(request);
                });

        String firstResolved = resolver(first).resolve(contact);

        assertThat(secondResolved.get()).isEqualTo("contact-2");
        assertThat(firstResolved)
                .as("the worker that saved second reads back the ledger's id")
                .isEqualTo("contact-2");
        assertThat(db.ledger.contactId(WORKSPACE, "email:ann@example.com")).contains("contact-2");
    }

    @Test
    void case8_aContactFoundByEmailDoesNotTakeAnExternalIdThatIsNotItsOwn() {
        ScriptedTransport transport = new ScriptedTransport(clock);
        transport.always(
                SEARCH,
                request -> {
                    String field = request.body().path("query").path("field").asString();
                    return json(field.equals("email")
                                    ? "{\"data\":[{\"id\":\"contact-ann\",\"email\":"
                                            + "\"ann@example.com\",\"external_id\":\"crm-7\"}]}"
                                    : "{\"data\":[{\"id\":\"contact-42\",\"email\":null,"
                                            + "\"external_id\":\"crm-42\"}]}")
                            .answer(request);
                });
        ContactResolver resolver = resolver(transport);

        String ann =
                resolver.resolve(
                        new PlannedContact("ann@example.com", "crm-42", "Ann", ContactRole.USER));
        String byExternalId =
                resolver.resolve(new PlannedContact(null, "crm-42", "Bob", ContactRole.USER));

        assertThat(ann).isEqualTo("contact-ann");
        assertThat(db.ledger.contactId(WORKSPACE, "external_id:crm-42"))
                .as("crm-42 belongs to another Intercom contact")
                .contains("contact-42");
        assertThat(byExternalId).isEqualTo("contact-42");
        assertThat(transport.received(CREATE)).isEmpty();
    }

    private ContactResolver resolver(ScriptedTransport transport) {
        return new ContactResolver(
                new IntercomApi(transport, ScriptedTransport.JSON), db.ledger, WORKSPACE);
    }
}
