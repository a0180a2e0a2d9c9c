package dev.migrator.source;

/** A record whose structure does not fit the format; its message is the reject reason. */
class InvalidRecordException extends RuntimeException {

    InvalidRecordException(String reason) {
        super(reason);
    }
}
