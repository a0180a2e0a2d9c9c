package dev.migrator.source.input;

/**
 * An input file whose bytes, as the reader consumed them, are not those of the checksum the run was
 * identified by: it changed after the run started. The run stops rather than complete under a
 * checksum its content no longer has.
 */
public class InputChangedException extends RuntimeException {

    InputChangedException(String displayName) {
        super(
                displayName
                        + " changed after the run started; run the command again to migrate its"
                        + " current content");
    }
}
