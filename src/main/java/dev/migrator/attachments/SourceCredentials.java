package dev.migrator.attachments;

import dev.migrator.attachments.AttachmentProperties.HeaderRule;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.env.Environment;

/**
 * The headers a download sends to a source: a helpdesk's credentials to the hosts {@code
 * migration.attachment-hosts} gives it (Zendesk: {@code ZENDESK_EMAIL} and {@code ZENDESK_TOKEN},
 * as Basic {@code email/token:TOKEN}; Freshdesk: {@code FRESHDESK_API_KEY}, as Basic {@code KEY:X};
 * Front: {@code FRONT_TOKEN}, as Bearer), and the headers of each {@code
 * migration.attachment-headers} rule whose prefix the URL starts with. The credentials are read
 * from the environment (through Spring's, so that tests can set them as properties), and go only
 * over https, or plain http to this machine (a rule's headers go where its prefix, scheme included,
 * says). Nothing here is ever printed.
 */
public final class SourceCredentials {

    private static final Set<String> LOOPBACK_HOSTS =
            Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    /** The environment variables the helpdesks' credentials are read from. */
    public static final List<String> VARIABLES =
            List.of("ZENDESK_EMAIL", "ZENDESK_TOKEN", "FRESHDESK_API_KEY", "FRONT_TOKEN");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}:]+)");

    /** One helpdesk's credentials, or the variables it lacks when they are not (all) set. */
    private record Helpdesk(
            String name, List<String> hosts, String authorization, String missingVariables) {}

    private final List<Helpdesk> helpdesks;
    private final List<HeaderRule> rules;

    private SourceCredentials(List<Helpdesk> helpdesks, List<HeaderRule> rules) {
        this.helpdesks = helpdesks;
        // The longest prefix is applied last: its values win.
        this.rules =
                rules.stream()
                        .sorted(Comparator.comparingInt(rule -> rule.urlPrefix().length()))
                        .toList();
    }

    public static SourceCredentials from(AttachmentProperties properties, Environment environment) {
        AttachmentProperties.CredentialHosts hosts = properties.attachmentHosts();
        String zendeskEmail = variable(environment, "ZENDESK_EMAIL");
        String zendeskToken = variable(environment, "ZENDESK_TOKEN");
        String freshdeskKey = variable(environment, "FRESHDESK_API_KEY");
        String frontToken = variable(environment, "FRONT_TOKEN");
        List<Helpdesk> helpdesks = new ArrayList<>();
        helpdesks.add(
                new Helpdesk(
                        "Zendesk",
                        hosts.zendesk(),
                        zendeskEmail != null && zendeskToken != null
                                ? basic(zendeskEmail + "/token:" + zendeskToken)
                                : null,
                        "ZENDESK_EMAIL and ZENDESK_TOKEN"));
        helpdesks.add(
                new Helpdesk(
                        "Freshdesk",
                        hosts.freshdesk(),
                        freshdeskKey != null ? basic(freshdeskKey + ":X") : null,
                        "FRESHDESK_API_KEY"));
        helpdesks.add(
                new Helpdesk(
                        "Front",
                        hosts.front(),
                        frontToken != null ? "Bearer " + frontToken : null,
                        "FRONT_TOKEN"));
        List<HeaderRule> rules = new ArrayList<>();
        for (HeaderRule rule : properties.attachmentHeaders()) {
            Map<String, String> headers = new LinkedHashMap<>();
            rule.headers()
                    .forEach(
                            (name, value) -> {
                                // Resolved here too: a binder without the environment leaves them.
                                String resolved =
                                        environment.resolvePlaceholders(String.valueOf(value));
                                Matcher unresolved = PLACEHOLDER.matcher(resolved);
                                if (unresolved.find()) {
                                    throw new IllegalArgumentException(
                                            "migration.attachment-headers: header "
                                                    + name
                                                    + " for "
                                                    + rule.urlPrefix()
                                                    + " uses ${"
                                                    + unresolved.group(1)
                                                    + "}, which is not set");
                                }
                                headers.put(name, resolved);
                            });
            rules.add(new HeaderRule(rule.urlPrefix(), headers));
        }
        return new SourceCredentials(helpdesks, rules);
    }

    /** No credentials and no headers: a dry run's, or a test's. */
    public static SourceCredentials none() {
        return new SourceCredentials(List.of(), List.of());
    }

    private static String variable(Environment environment, String name) {
        String value = environment.getProperty(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static String basic(String userAndPassword) {
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    /** The headers to send with a download of {@code url}: empty when none applies. */
    public Map<String, String> headersFor(URI url) {
        Map<String, String> headers = new LinkedHashMap<>();
        String host = host(url);
        for (Helpdesk helpdesk : helpdesks) {
            if (helpdesk.authorization() != null
                    && secure(url)
                    && matches(helpdesk.hosts(), host)) {
                headers.put("Authorization", helpdesk.authorization());
                break;
            }
        }
        // A rule's prefix names its scheme: the user chose it.
        String text = url.toString();
        for (HeaderRule rule : rules) {
            if (text.startsWith(rule.urlPrefix())) {
                rule.headers().forEach(headers::put);
            }
        }
        return headers;
    }

    /**
     * For a failure's reason: the environment variables a helpdesk whose hosts take {@code url}
     * lacks ("FRONT_TOKEN is not set"), if any.
     */
    public Optional<String> missingFor(URI url) {
        String host = host(url);
        return helpdesks.stream()
                .filter(h -> h.authorization() == null && matches(h.hosts(), host))
                .findFirst()
                .map(h -> h.name() + "'s " + h.missingVariables() + " not set");
    }

    private static boolean secure(URI url) {
        String scheme = String.valueOf(url.getScheme()).toLowerCase(Locale.ROOT);
        return scheme.equals("https")
                || (scheme.equals("http") && LOOPBACK_HOSTS.contains(host(url)));
    }

    private static String host(URI url) {
        return url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
    }

    /** {@code *.example.com} takes every host under example.com; any other pattern, itself. */
    static boolean matches(List<String> patterns, String host) {
        for (String pattern : patterns) {
            String p = pattern.strip().toLowerCase(Locale.ROOT);
            if (p.startsWith("*.") ? host.endsWith(p.substring(1)) : host.equals(p)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "SourceCredentials[not printed]";
    }
}
