package dev.migrator.e2e;

import dev.migrator.testserver.FakeIntercom;
import java.util.Map;

/** The agents of the samples and of generated exports, made admins of the fake workspace. */
final class Agents {

    private Agents() {}

    /** Admin ids by agent email. */
    static Map<String, String> addTo(FakeIntercom intercom) {
        return Map.of(
                "bob@acme.example", intercom.addAdmin("bob@acme.example", "Bob Stone"),
                "carol@acme.example", intercom.addAdmin("carol@acme.example", "Carol Diaz"));
    }
}
