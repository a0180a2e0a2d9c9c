package dev.migrator.source.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrator.source.InvalidRecordException;
import dev.migrator.source.SourceAttachment;
import dev.migrator.source.SourceConversation;
import dev.migrator.source.SourceConversation.Details;
import dev.migrator.source.SourceConversation.SourceCompany;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The canonical JSON's details around the thread: assignee_email, team, attributes, company. */
class JsonConversationMapperTest {

    /** A conversation with these top-level fields and this contact. */
    private static SourceConversation read(String fields, String contact) {
        return JsonConversationMapper.INSTANCE.toConversation(
                JsonValues.MAPPER.readTree(
                        """
                        {"id": "c-1", "contact": %s, %s,
                         "messages": [{"id": "m-1", "author": {"type": "contact"}, "body": "Hi",
                                       "created_at": "2021-03-04T10:15:00Z"}]}\
                        """
                                .formatted(contact, fields)));
    }

    private static SourceConversation read(String fields) {
        return read(fields, "{\"email\": \"ann@example.org\"}");
    }

    @Test
    void readsTheAssigneeTheTeamTheAttributesAndTheCompany() {
        SourceConversation conversation =
                read(
                        """
                        "assignee_email": "bob@acme.example", "team": "Billing",
                        "attributes": {"plan": "Pro", "seats": 12, "order_total": 49.90, "vip": true,
                                       "region": null, "notes": ""}\
                        """,
                        """
                        {"email": "ann@example.org", "company": {"id": "acme-42", "name": "Acme Ltd"}}\
                        """);

        assertThat(conversation.details())
                .isEqualTo(
                        new Details(
                                "bob@acme.example",
                                "Billing",
                                Map.of(
                                        "plan", "Pro",
                                        "seats", "12",
                                        "order_total", "49.9",
                                        "vip", "true"),
                                new SourceCompany("acme-42", "Acme Ltd")));
        assertThat(conversation.details().fields().keySet())
                .as("in the export's order")
                .containsExactly("plan", "seats", "order_total", "vip");
    }

    @Test
    void aCompanyAsAStringIsItsIdAndItsNameAndAnObjectNeedsNoName() {
        assertThat(
                        read(
                                        "\"team\": null",
                                        "{\"email\": \"a@b.example\", \"company\": \"Acme\"}")
                                .details()
                                .company())
                .isEqualTo(new SourceCompany("Acme", "Acme"));
        assertThat(
                        read(
                                        "\"team\": null",
                                        "{\"email\": \"a@b.example\", \"company\": {\"id\": 42}}")
                                .details()
                                .company())
                .isEqualTo(new SourceCompany("42", null));
    }

    @Test
    void withoutThemNothingIsAroundTheThread() {
        assertThat(read("\"subject\": \"Hi\"").details()).isEqualTo(Details.NONE);
        assertThat(read("\"assignee_email\": \" \", \"team\": \"\", \"attributes\": {}").details())
                .isEqualTo(Details.NONE);
    }

    /** A conversation whose one message has these attachments. */
    private static SourceConversation withAttachments(String attachments) {
        return JsonConversationMapper.INSTANCE.toConversation(
                JsonValues.MAPPER.readTree(
                        """
                        {"id": "c-1", "contact": {"email": "ann@example.org"},
                         "messages": [{"id": "m-1", "author": {"type": "contact"}, "body": "Hi",
                                       "created_at": "2021-03-04T10:15:00Z", "attachments": %s}]}\
                        """
                                .formatted(attachments)));
    }

    @Test
    void anAttachmentIsAUrlOrAnObjectWithItsNameAndType() {
        assertThat(
                        withAttachments(
                                        """
                                        ["https://files.example/a.png",
                                         {"url": "https://files.example/f/9", "name": "Relevé.pdf",
                                          "content_type": "application/pdf"},
                                         {"url": "https://files.example/b.txt"}]\
                                        """)
                                .messages()
                                .get(0)
                                .attachments())
                .containsExactly(
                        SourceAttachment.ofUrl("https://files.example/a.png"),
                        new SourceAttachment(
                                "https://files.example/f/9", "Relevé.pdf", "application/pdf"),
                        SourceAttachment.ofUrl("https://files.example/b.txt"));
    }

    @Test
    void anAttachmentOfAnotherTypeOrWithoutUrlIsNamed() {
        assertThatThrownBy(() -> withAttachments("[42]"))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage(
                        "field 'messages[0].attachments[0]' must be a URL string or an object, not"
                                + " a number");
        assertThatThrownBy(() -> withAttachments("\"https://files.example/a.png\""))
                .hasMessage("field 'messages[0].attachments' must be an array, not a string");
        assertThatThrownBy(() -> withAttachments("[{\"name\": \"a.png\"}]"))
                .hasMessage("field 'messages[0].attachments[0]' has no url");
        assertThatThrownBy(
                        () ->
                                withAttachments(
                                        "[{\"url\": \"https://files.example/a\", \"name\":"
                                                + " [\"a.png\"]}]"))
                .hasMessage(
                        "field 'messages[0].attachments[0].name' must be a string or a number, not"
                                + " an array");
    }

    @Test
    void wrongTypesAreNamedLikeEveryOtherField() {
        assertThatThrownBy(() -> read("\"assignee_email\": [\"bob@acme.example\"]"))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("field 'assignee_email' must be a string or a number, not an array");
        assertThatThrownBy(() -> read("\"team\": {\"name\": \"Billing\"}"))
                .hasMessage("field 'team' must be a string or a number, not an object");
        assertThatThrownBy(() -> read("\"attributes\": [\"plan\"]"))
                .hasMessage("field 'attributes' must be an object, not an array");
        assertThatThrownBy(() -> read("\"attributes\": {\"plan\": {\"name\": \"Pro\"}}"))
                .hasMessage(
                        "field 'attributes.plan' must be a string, a number or a boolean, not an"
                                + " object");
        assertThatThrownBy(() -> read("\"attributes\": {\"plans\": [\"Pro\"]}"))
                .hasMessage(
                        "field 'attributes.plans' must be a string, a number or a boolean, not an"
                                + " array");
        assertThatThrownBy(
                        () ->
                                read(
                                        "\"team\": null",
                                        "{\"email\": \"a@b.example\", \"company\": true}"))
                .hasMessage("field 'contact.company' must be an object or a string, not a boolean");
        assertThatThrownBy(
                        () ->
                                read(
                                        "\"team\": null",
                                        "{\"email\": \"a@b.example\", \"company\": {\"name\":"
                                                + " \"Acme\"}}"))
                .hasMessage(
                        "field 'contact.company' has no id: give the company's id (its name is"
                                + " optional), or the company as a string");
        assertThatThrownBy(
                        () ->
                                read(
                                        "\"team\": null",
                                        "{\"email\": \"a@b.example\", \"company\": {\"id\": \"1\","
                                                + " \"name\": [\"Acme\"]}}"))
                .hasMessage(
                        "field 'contact.company.name' must be a string or a number, not an array");
    }
}
