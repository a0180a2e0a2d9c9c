package dev.migrator.delivery;

import java.util.List;

/**
 * Several conversations in Intercom may be this one's, none held by another source conversation:
 * adopting one would be a guess. {@code why} it was looked for, and what the candidates have in
 * common ({@code alike}), make the reject reason.
 */
final class AmbiguousAdoption extends RuntimeException {
    final String why;
    final List<String> candidates;
    final String alike;

    AmbiguousAdoption(String why, List<String> candidates, String alike) {
        super(null, null, false, false);
        this.why = why;
        this.candidates = candidates;
        this.alike = alike;
    }

    String reason(String sourceId) {
        return "conversation "
                + sourceId
                + ": "
                + why
                + ", and Intercom holds "
                + candidates.size()
                + " conversations that may be it ("
                + String.join(", ", candidates)
                + ": "
                + alike
                + ", none held by another source conversation); which one is its own is"
                + " ambiguous, so none is adopted and it is not created again. Check these"
                + " conversations in Intercom";
    }
}
