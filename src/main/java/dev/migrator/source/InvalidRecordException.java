package dev.migrator.source;

/** A record whose structure does not fit the format; its message is the reject reason. */
public class InvalidRecordException extends RuntimeException {

    public InvalidRecordException(String reason) {
        super(reason);
    }
}
