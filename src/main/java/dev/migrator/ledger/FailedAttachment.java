package dev.migrator.ledger;

/**
 * A file the migrator was to carry and could not (the part went with it as a link in its body), as
 * {@code attachments-failed.jsonl} lists it.
 *
 * @param reason why, for the user: never a credential
 */
public record FailedAttachment(String url, String name, String reason) {}
