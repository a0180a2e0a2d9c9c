package dev.migrator.attachments;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * How attachments reach Intercom: by URL, or carried by the migrator ({@code attachments}), the
 * largest file it carries and the most one part carries in all ({@code attachment-max-size}, {@code
 * attachment-max-part-size}, by default Intercom's 100 MB), the headers sent to other sources
 * ({@code attachment-headers}) and which hosts get each helpdesk's credentials ({@code
 * attachment-hosts}). The credentials themselves come from the environment only: see {@link
 * SourceCredentials}.
 */
@Validated
@ConfigurationProperties("migration")
public record AttachmentProperties(
        AttachmentMode attachments,
        DataSize attachmentMaxSize,
        DataSize attachmentMaxPartSize,
        List<@Valid HeaderRule> attachmentHeaders,
        @Valid CredentialHosts attachmentHosts) {

    /** Intercom's limit on one file, and the default of both limits. */
    public static final DataSize INTERCOM_FILE_LIMIT = DataSize.ofMegabytes(100);

    public AttachmentProperties {
        attachments = attachments == null ? AttachmentMode.AUTO : attachments;
        attachmentMaxSize = attachmentMaxSize == null ? INTERCOM_FILE_LIMIT : attachmentMaxSize;
        attachmentMaxPartSize =
                attachmentMaxPartSize == null ? INTERCOM_FILE_LIMIT : attachmentMaxPartSize;
        attachmentHeaders = attachmentHeaders == null ? List.of() : List.copyOf(attachmentHeaders);
        attachmentHosts =
                attachmentHosts == null ? new CredentialHosts(null, null, null) : attachmentHosts;
        requirePositive("migration.attachment-max-size", attachmentMaxSize);
        requirePositive("migration.attachment-max-part-size", attachmentMaxPartSize);
    }

    private static void requirePositive(String key, DataSize size) {
        if (size != null && size.toBytes() <= 0) {
            throw new IllegalArgumentException(key + " must be more than 0 bytes, not " + size);
        }
    }

    /**
     * Headers sent with every download whose URL starts with {@code urlPrefix} (values may use
     * {@code ${ENV}} placeholders; never printed).
     */
    public record HeaderRule(@NotNull String urlPrefix, Map<String, String> headers) {

        public HeaderRule {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
            if (urlPrefix != null) {
                URI uri;
                try {
                    uri = URI.create(urlPrefix.trim());
                } catch (IllegalArgumentException e) {
                    uri = null;
                }
                String scheme =
                        uri == null || uri.getScheme() == null
                                ? ""
                                : uri.getScheme().toLowerCase(Locale.ROOT);
                if (uri == null
                        || uri.getHost() == null
                        || !(scheme.equals("https") || scheme.equals("http"))) {
                    throw new IllegalArgumentException(
                            "migration.attachment-headers: url-prefix '"
                                    + urlPrefix
                                    + "' is not an http(s) URL with a host");
                }
                urlPrefix = urlPrefix.trim();
            }
        }

        /** The header names only: their values are secrets. */
        @Override
        public String toString() {
            return "HeaderRule[urlPrefix=" + urlPrefix + ", headers=" + headers.keySet() + "]";
        }
    }

    /**
     * The hosts each helpdesk's credentials are sent to: a name, or {@code *.example.com} for every
     * host under it.
     */
    public record CredentialHosts(
            List<String> zendesk, List<String> freshdesk, List<String> front) {

        public CredentialHosts {
            zendesk = zendesk == null ? List.of() : List.copyOf(zendesk);
            freshdesk = freshdesk == null ? List.of() : List.copyOf(freshdesk);
            front = front == null ? List.of() : List.copyOf(front);
        }
    }
}
