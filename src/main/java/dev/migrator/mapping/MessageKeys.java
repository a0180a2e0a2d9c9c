package dev.migrator.mapping;

import static org.apache.commons.lang3.StringUtils.trimToNull;

import dev.migrator.source.SourceConversation.SourceMessage;
import dev.migrator.support.Keywords;
import dev.migrator.support.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.commons.lang3.StringUtils;

/**
 * The ledger keys of a record's messages (docs/exactly-once.md, "Message keys"). A message with an
 * id is keyed by its id. One without is keyed on its values as the export writes them, never on
 * what the planner makes of them, so that a corrected {@code migration.timezone}, date format or
 * encoding, or another way of turning HTML into text, keeps every key: a digest of its author type,
 * author email, {@code created_at} as written, the ASCII letters and digits of its body as written
 * (text decoded in the wrong ASCII-compatible encoding differs from the right one only outside
 * them) and its attachment URLs; then how many messages before it in the record have the same
 * digest, so that two identical "ok" messages stay two, and messages added elsewhere in the record
 * move no key.
 */
final class MessageKeys {

    /**
     * Key prefix of a message without id. Message ids are trimmed, so none starts with a space: a
     * key of this kind is never a message id.
     */
    static final String WRITTEN_PREFIX = " sha256:";

    private static final Pattern NOT_ASCII_LETTER_OR_DIGIT = Pattern.compile("[^A-Za-z0-9]+");

    private MessageKeys() {}

    /** The key of each of {@code messages}, in their order in the export. */
    static List<String> of(List<SourceMessage> messages) {
        Map<String, Integer> occurrences = new HashMap<>();
        List<String> keys = new ArrayList<>(messages.size());
        for (SourceMessage message : messages) {
            String id = trimToNull(message.id());
            if (id != null) {
                keys.add(id);
            } else {
                String digest = digestOfWritten(message);
                keys.add(
                        WRITTEN_PREFIX + digest + "#" + occurrences.merge(digest, 1, Integer::sum));
            }
        }
        return keys;
    }

    private static String digestOfWritten(SourceMessage message) {
        MessageDigest digest = Sha256.digest();
        update(digest, Keywords.normalize(message.authorType()));
        update(digest, Keywords.normalize(message.authorEmail()));
        update(digest, StringUtils.strip(message.writtenCreatedAt()));
        update(
                digest,
                NOT_ASCII_LETTER_OR_DIGIT
                        .matcher(Objects.toString(message.body(), ""))
                        .replaceAll(""));
        update(digest, Integer.toString(message.attachments().size()));
        // URLs only: a name or type the export adds later must not move the key.
        message.attachments().forEach(file -> update(digest, file.url().trim()));
        return HexFormat.of().formatHex(digest.digest());
    }

    /** One value, its length first, so that no two lists of values give the same bytes. */
    private static void update(MessageDigest digest, String value) {
        byte[] bytes = Objects.toString(value, "").getBytes(StandardCharsets.UTF_8);
        digest.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
        digest.update(bytes);
    }
}
