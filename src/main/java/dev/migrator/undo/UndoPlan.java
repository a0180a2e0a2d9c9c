package dev.migrator.undo;

import dev.migrator.ledger.Ledger.CreatedCompany;
import dev.migrator.ledger.Ledger.CreatedConversation;
import java.util.List;

/**
 * What an undo deletes from the workspace, in this order: the conversations the migrator created in
 * its runs, then the contacts it created that hold no other conversation, then the companies it
 * created that hold no contact any more. {@code contactsKept} and {@code companiesKept} are the
 * ones it created but leaves, for what they still hold.
 *
 * @param runs the runs undone, as the console names them ("run 3", "every run")
 */
public record UndoPlan(
        String workspace,
        String runs,
        List<CreatedConversation> conversations,
        List<String> contacts,
        List<CreatedCompany> companies,
        int contactsKept,
        int companiesKept) {

    public UndoPlan {
        conversations = List.copyOf(conversations);
        contacts = List.copyOf(contacts);
        companies = List.copyOf(companies);
    }

    public boolean isEmpty() {
        return conversations.isEmpty() && contacts.isEmpty() && companies.isEmpty();
    }
}
