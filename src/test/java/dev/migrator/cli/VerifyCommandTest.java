package dev.migrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.intercom.ApiRequest;
import dev.migrator.intercom.IntercomApi;
import dev.migrator.intercom.IntercomApi.AssigneeKind;
import dev.migrator.intercom.IntercomApi.ConversationUpdate;
import dev.migrator.intercom.IntercomTransport;
import dev.migrator.ledger.Ledger.MigratedConversation;
import dev.migrator.ledger.LedgerDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code verify} against what the ledger kept of issue 15's details (title, attribute values, admin
 * and team): each difference is one line, and a conversation as the ledger says has none.
 */
class VerifyCommandTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String WORKSPACE = "app-1";
    private static final long CREATED_AT = 1_600_000_000L;

    private final LedgerDatabase db = new LedgerDatabase();

    /** What Intercom shows for conv-1 now. */
    private String shown;

    private final IntercomTransport transport =
            new IntercomTransport() {
                @Override
                public JsonNode exchange(ApiRequest request) {
                    assertThat(request.path()).isEqualTo("/conversations/conv-1");
                    return JSON.readTree(shown);
                }

                @Override
                public long callCount() {
                    return 0;
                }
            };

    private final VerifyCommand verify =
            new VerifyCommand(null, new IntercomApi(transport, JSON), db.ledger, null, JSON, null);

    VerifyCommandTest() {
        db.ledger.conversationCreating(WORKSPACE, "c-1", "contact-1", "m1", CREATED_AT, 0, 1);
        db.ledger.conversationCreated(WORKSPACE, "c-1", "conv-1", 1);
        db.ledger.conversationUpdated(
                WORKSPACE,
                "c-1",
                "sha",
                new ConversationUpdate(
                        "Cancel my order",
                        Map.of("seats", 12L, "plan", "Pro", "ratio", 0.5, "vip", true)));
        db.ledger.conversationAssigned(WORKSPACE, "c-1", AssigneeKind.ADMIN, "991267715");
        db.ledger.conversationAssigned(WORKSPACE, "c-1", AssigneeKind.TEAM, "5017691");
    }

    @AfterEach
    void dropDatabase() {
        db.close();
    }

    @Test
    void aConversationAsTheLedgerSaysHasNoDifference() {
        shown =
                conversation(
                        "\"Cancel my order\"",
                        991267715,
                        5017691,
                        "{\"seats\":12,\"plan\":\"Pro\",\"ratio\":0.50,\"vip\":true,\"other\":1}");

        assertThat(differences()).isEmpty();
    }

    @Test
    void aWrongTitleIsOneDifference() {
        shown =
                conversation(
                        "\"Cancel\"",
                        991267715,
                        5017691,
                        "{\"seats\":12,\"plan\":\"Pro\",\"ratio\":0.5,\"vip\":true}");

        assertThat(differences())
                .containsExactly("title is \"Cancel\", expected \"Cancel my order\"");
    }

    @Test
    void aMissingTitleIsOneDifference() {
        shown =
                conversation(
                        "null",
                        991267715,
                        5017691,
                        "{\"seats\":12,\"plan\":\"Pro\",\"ratio\":0.5,\"vip\":true}");

        assertThat(differences()).containsExactly("title is none, expected \"Cancel my order\"");
    }

    @Test
    void aWrongAdminAndAnUnassignedTeamAreOneDifferenceEach() {
        shown =
                conversation(
                        "\"Cancel my order\"",
                        42,
                        0,
                        "{\"seats\":12,\"plan\":\"Pro\",\"ratio\":0.5,\"vip\":true}");

        assertThat(differences())
                .containsExactly(
                        "admin assignee is 42, expected 991267715",
                        "team assignee is none, expected 5017691");
    }

    @Test
    void aWrongAndAMissingAttributeValueAreOneDifferenceEach() {
        shown =
                conversation(
                        "\"Cancel my order\"",
                        991267715,
                        5017691,
                        "{\"seats\":13,\"plan\":\"Pro\",\"vip\":true}");

        assertThat(differences())
                .containsExactlyInAnyOrder(
                        "attribute seats is 13, expected 12",
                        "attribute ratio is missing, expected 0.5");
    }

    /** The differences verify finds for the one conversation the ledger holds. */
    private List<String> differences() {
        List<MigratedConversation> migrated = new ArrayList<>();
        db.ledger.forEachMigrated(WORKSPACE, migrated::add);
        assertThat(migrated).hasSize(1);
        return verify.compare(migrated.get(0)).stream()
                .map(VerifyCommand.Difference::difference)
                .toList();
    }

    private static String conversation(
            String title, long adminAssigneeId, long teamAssigneeId, String attributes) {
        return """
        {"type":"conversation","id":"conv-1","created_at":%d,"state":"open","title":%s,
         "admin_assignee_id":%d,"team_assignee_id":%d,"custom_attributes":%s,
         "conversation_parts":{"conversation_parts":[]}}\
        """
                .formatted(CREATED_AT, title, adminAssigneeId, teamAssigneeId, attributes);
    }
}
