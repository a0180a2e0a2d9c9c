package dev.migrator.delivery;

/**
 * How conversations meet what is already in Intercom.
 *
 * @param sourceAttribute the conversation attribute (type string) that receives each conversation's
 *     source key, or {@code null}: {@code migration.source-attribute}
 * @param adoptExisting look every conversation the ledger does not know up in Intercom before
 *     creating it, and adopt the one found ({@code --adopt-existing})
 * @param recreateDeleted create again a conversation, or a contact, that an admin deleted in
 *     Intercom after an earlier run ({@code migration.recreate-deleted}); else such a record is
 *     refused, saying so
 */
public record DeliveryOptions(
        String sourceAttribute, boolean adoptExisting, boolean recreateDeleted) {

    public static final DeliveryOptions NONE = new DeliveryOptions(null, false, false);
}
