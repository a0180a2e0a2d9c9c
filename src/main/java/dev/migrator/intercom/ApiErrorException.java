package dev.migrator.intercom;

/** Intercom answered with an error: the request was understood and refused, nothing happened. */
public class ApiErrorException extends RuntimeException {

    private final int status;

    public ApiErrorException(int status, String code, String message) {
        super(
                "Intercom answered "
                        + status
                        + (code == null ? "" : " " + code)
                        + (message == null ? "" : ": " + message));
        this.status = status;
    }

    public int status() {
        return status;
    }

    public String apiMessage() {
        String message = getMessage();
        int colon = message.indexOf(": ");
        return colon < 0 ? "" : message.substring(colon + 2);
    }
}
