package dev.migrator.source.json;

import org.apache.commons.lang3.StringUtils;
import tools.jackson.databind.JsonNode;

/**
 * The value of a helpdesk's custom field as the text {@code SourceConversation.Details} keeps: the
 * planner converts it to the Intercom attribute's type, so a number or a boolean is passed on as
 * written (a number in plain decimal notation).
 */
public final class FieldValues {

    private FieldValues() {}

    /** Whether {@code value} is one a field can hold: a string, a number, a boolean or null. */
    public static boolean isScalar(JsonNode value) {
        return value == null || !value.isContainer();
    }

    /**
     * A string as written, a number in plain decimal notation, {@code true} or {@code false};
     * {@code null} for a field without a value (absent, null or blank), which is left out.
     *
     * @throws IllegalArgumentException when {@code value} is an object or an array ({@link
     *     #isScalar} tells)
     */
    public static String text(JsonNode value) {
        if (!isScalar(value)) {
            throw new IllegalArgumentException("not a field value: " + JsonFields.kind(value));
        }
        if (value == null || value.isNull()) {
            return null;
        }
        // Plain notation: a date field's epoch time reads 1701292649.333, not 1.701292649333E9.
        String text =
                value.isFloatingPointNumber()
                        ? value.decimalValue().toPlainString()
                        : value.asString();
        return StringUtils.isBlank(text) ? null : text;
    }
}
