package dev.migrator.source.json;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class MessageBodiesTest {

    private static JsonNode json(String text) {
        return JsonValues.MAPPER.readTree(text);
    }

    @Test
    void theHtmlBodyIsTakenAsWrittenAndTheFieldsAfterItAreNotRead() {
        JsonNode message = json("{\"html\":\"<p>Hi</p>\",\"plain\":{\"not\":\"text\"}}");

        assertThat(MessageBodies.htmlOrPlain(message, "messages[0].", "html", "plain"))
                .isEqualTo("<p>Hi</p>");
    }

    @Test
    void elseTheFirstPlainTextWithContentIsPreformatted() {
        JsonNode message = json("{\"html\":\" \",\"plain\":\"\",\"body\":\"a < b\"}");

        assertThat(MessageBodies.htmlOrPlain(message, "", "html", "plain", "body"))
                .isEqualTo("<pre>a &lt; b</pre>");
        assertThat(MessageBodies.htmlOrPlain(json("{}"), "", "html", "plain")).isNull();
    }
}
