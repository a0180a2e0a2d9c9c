package dev.migrator.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrator.intercom.DryRunTransport;
import dev.migrator.intercom.IntercomApi.AssigneeKind;
import dev.migrator.intercom.IntercomApi.ConversationUpdate;
import dev.migrator.ledger.Ledger.ConversationEntry;
import dev.migrator.ledger.Ledger.ConversationState;
import dev.migrator.ledger.Ledger.PartEntry;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The in-memory bookkeeping of a dry run answers as the ledger's tables would. */
class DryRunLedgerTest {

    private static final String WS = "dry-run:1";
    private static final String CONTACT = "dry-run-contact-1";
    private static final String CONVERSATION = "dry-run-conversation-3";

    private final DryRunLedger ledger = new DryRunLedger();

    @Test
    void aConversationGoesFromItsIntentToCompleteWithItsOpeningAmongTheSentParts() {
        ledger.conversationCreating(WS, "c-1", CONTACT, "m1", 100, 5, 1);
        assertThat(ledger.conversation(WS, "c-1").orElseThrow().state())
                .isEqualTo(ConversationState.CREATING);
        assertThat(ledger.conversation(WS, "c-1").orElseThrow().intercomId()).isNull();

        ledger.conversationCreated(WS, "c-1", CONVERSATION, 1);
        ledger.conversationClosed(WS, "c-1");
        ledger.conversationComplete(WS, "c-1", 1L);

        Ledger.ConversationEntry entry = ledger.conversation(WS, "c-1").orElseThrow();
        assertThat(entry.state()).isEqualTo(ConversationState.COMPLETE);
        assertThat(entry.intercomId()).isEqualTo(CONVERSATION);
        assertThat(entry.contactId()).isEqualTo(CONTACT);
        assertThat(entry.closed()).isTrue();
        assertThat(entry.tagged()).isFalse();
        assertThat(ledger.knownParts(WS, "c-1").get("m1")).isEqualTo(new PartEntry(true, 0));
        assertThat(ledger.knownParts(WS, "c-2").get("m1")).isNull();
        assertThat(ledger.migratedCount()).isEqualTo(1);
    }

    @Test
    void aPartIsPendingThenSentAndOnlyRepliesSentAreCounted() {
        ledger.conversationCreating(WS, "c-1", CONTACT, "m1", 100, 5, 1);
        ledger.conversationCreated(WS, "c-1", CONVERSATION, 1);

        ledger.partSending(WS, "c-1", "m2", 160, 7);
        assertThat(ledger.knownParts(WS, "c-1").get("m2")).isEqualTo(new PartEntry(false, 7));
        ledger.partSent(WS, "c-1", "m2", 1);
        ledger.partSending(WS, "c-1", "intercom:close", 0, 9);
        ledger.forgetPart(WS, "c-1", "intercom:close");

        assertThat(ledger.knownParts(WS, "c-1").get("m2")).isEqualTo(new PartEntry(true, 0));
        assertThat(ledger.knownParts(WS, "c-1").get("intercom:close")).isNull();
        assertThat(ledger.repliesSentCount()).isEqualTo(1);
    }

    @Test
    void aRefusedCreateAndAForgottenConversationLeaveNothingBehind() {
        ledger.conversationCreating(WS, "c-1", CONTACT, "m1", 100, 5, 1);
        ledger.forgetConversationInDoubt(WS, "c-1");
        assertThat(ledger.conversation(WS, "c-1")).isEmpty();

        ledger.conversationCreating(WS, "c-2", CONTACT, "m1", 100, 5, 1);
        ledger.conversationCreated(WS, "c-2", CONVERSATION, 1);
        ledger.partSending(WS, "c-2", "m2", 160, 7);
        ledger.partSent(WS, "c-2", "m2", 1);
        ledger.forgetConversation(WS, "c-2");

        assertThat(ledger.conversation(WS, "c-2")).isEmpty();
        ledger.conversationCreating(WS, "c-2", CONTACT, "m9", 100, 5, 1);
        assertThat(ledger.knownParts(WS, "c-2").get("m2")).as("the forgotten one's").isNull();
        assertThat(ledger.migratedCount()).isZero();
    }

    @Test
    void aContactKeyKeepsItsFirstIdAndAForgottenContactIsFoundNoMore() {
        assertThat(ledger.saveContact(WS, "email:ann@example.org", CONTACT, null))
                .isEqualTo(CONTACT);
        assertThat(ledger.saveContact(WS, "email:ann@example.org", "dry-run-contact-2", null))
                .isEqualTo(CONTACT);
        ledger.saveContact(WS, "external_id:u-1", CONTACT, null);

        ledger.forgetContact(WS, CONTACT);

        assertThat(ledger.contactId(WS, "email:ann@example.org")).isEmpty();
        assertThat(ledger.contactId(WS, "external_id:u-1")).isEmpty();
    }

    @Test
    void theConversationUpdateIsToldApartByTheFirst64BitsOfItsSha() {
        String sha = "0123456789abcdef".repeat(3) + "fedcba9876543210";
        String another = "0123456789abcdee" + "0123456789abcdef".repeat(2) + "fedcba9876543210";
        ledger.conversationCreating(WS, "c-1", CONTACT, "m1", 100, 5, 1);

        ledger.conversationUpdated(
                WS, "c-1", sha, new ConversationUpdate("Cancel", Map.of("priority", "high")));

        ConversationEntry entry = ledger.conversation(WS, "c-1").orElseThrow();
        assertThat(entry.updateApplied(sha)).isTrue();
        assertThat(entry.updateApplied(another)).isFalse();
        assertThat(entry.updateSha()).isEqualTo("0123456789abcdef");
    }

    @Test
    void theLastAssigneesAreKeptPerConversation() {
        ledger.conversationCreating(WS, "c-1", CONTACT, "m1", 100, 5, 1);
        ledger.conversationCreating(WS, "c-2", CONTACT, "m1", 100, 5, 1);
        assertThat(ledger.conversation(WS, "c-1").orElseThrow().adminAssigneeId()).isNull();

        ledger.conversationAssigned(WS, "c-1", AssigneeKind.ADMIN, "dry-run-admin:bob@example.org");
        ledger.conversationAssigned(WS, "c-1", AssigneeKind.TEAM, "dry-run-team:Billing");
        ledger.conversationAssigned(WS, "c-2", AssigneeKind.ADMIN, "dry-run-admin:bob@example.org");
        ledger.conversationAssigned(WS, "c-2", AssigneeKind.ADMIN, "dry-run-admin:eve@example.org");

        Ledger.ConversationEntry first = ledger.conversation(WS, "c-1").orElseThrow();
        Ledger.ConversationEntry second = ledger.conversation(WS, "c-2").orElseThrow();
        assertThat(first.adminAssigneeId()).isEqualTo("dry-run-admin:bob@example.org");
        assertThat(first.teamAssigneeId()).isEqualTo("dry-run-team:Billing");
        assertThat(second.adminAssigneeId()).isEqualTo("dry-run-admin:eve@example.org");
        assertThat(second.teamAssigneeId()).isNull();
    }

    @Test
    void assigneesOutliveTheGrowthOfItsColumns() {
        ledger.conversationCreating(WS, "c-0", CONTACT, "m1", 100, 5, 1);
        ledger.conversationAssigned(WS, "c-0", AssigneeKind.TEAM, "dry-run-team:Billing");
        for (int i = 1; i <= 3_000; i++) {
            ledger.conversationCreating(WS, "c-" + i, CONTACT, "m1", 100, 5, 1);
        }
        ledger.conversationAssigned(WS, "c-3000", AssigneeKind.TEAM, "dry-run-team:Sales");

        assertThat(ledger.conversation(WS, "c-0").orElseThrow().teamAssigneeId())
                .isEqualTo("dry-run-team:Billing");
        assertThat(ledger.conversation(WS, "c-3000").orElseThrow().teamAssigneeId())
                .isEqualTo("dry-run-team:Sales");
        assertThat(ledger.conversation(WS, "c-1").orElseThrow().teamAssigneeId()).isNull();
    }

    @Test
    void aCompanyIsKnownByItsIdOnceSavedAndEachAttachmentOnceMade() {
        String company = DryRunTransport.companyPlaceholder("org-7");
        assertThat(ledger.companyIntercomId(WS, "org-7")).isEmpty();

        assertThat(ledger.saveCompany(WS, "org-7", company, null)).isEqualTo(company);
        ledger.contactAttached(WS, CONTACT, company);

        assertThat(ledger.companyIntercomId(WS, "org-7")).contains(company);
        assertThat(ledger.companyIntercomId(WS, "org-8")).isEmpty();
        assertThat(ledger.isAttached(WS, CONTACT, company)).isTrue();
        assertThat(ledger.isAttached(WS, "dry-run-contact-2", company)).isFalse();
        assertThatThrownBy(() -> ledger.saveCompany(WS, "org-8", company, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("org-8");
    }
}
