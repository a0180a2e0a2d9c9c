package dev.migrator.delivery;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Who writes each agent part in Intercom: the admin with the agent's email, else the default admin.
 * Built by the preflight before anything is sent; an agent it cannot place stops the run there.
 * {@code actorAdminId} closes, tags and assigns conversations.
 */
public record AdminDirectory(
        Map<String, String> adminIdsByEmail,
        String defaultAdminId,
        String actorAdminId,
        boolean placeholders) {

    public AdminDirectory {
        adminIdsByEmail = Map.copyOf(adminIdsByEmail);
    }

    public static AdminDirectory of(
            Map<String, String> adminIdsByEmail, String defaultAdminId, String tokenOwnerId) {
        return new AdminDirectory(
                adminIdsByEmail,
                defaultAdminId,
                defaultAdminId != null ? defaultAdminId : tokenOwnerId,
                false);
    }

    /**
     * A dry run cannot ask Intercom for its admins: its requests name the agent in a placeholder
     * id.
     */
    public static AdminDirectory forDryRun() {
        return new AdminDirectory(Map.of(), null, "dry-run-admin:token-owner", true);
    }

    public boolean canPlace(String agentEmail) {
        return placeholders
                || defaultAdminId != null
                || (agentEmail != null
                        && adminIdsByEmail.containsKey(agentEmail.toLowerCase(Locale.ROOT)));
    }

    /**
     * The admin a conversation owned by {@code assigneeEmail} is assigned to: only the admin with
     * exactly that email (ignoring case), never the default admin, which would hand every unmatched
     * conversation to one person.
     */
    public Optional<String> assigneeFor(String assigneeEmail) {
        if (assigneeEmail == null) {
            return Optional.empty();
        }
        if (placeholders) {
            return Optional.of("dry-run-admin:" + assigneeEmail);
        }
        return Optional.ofNullable(adminIdsByEmail.get(assigneeEmail.toLowerCase(Locale.ROOT)));
    }

    public String adminFor(String agentEmail) {
        if (placeholders) {
            return "dry-run-admin:" + (agentEmail == null ? "default" : agentEmail);
        }
        String id =
                agentEmail == null
                        ? null
                        : adminIdsByEmail.get(agentEmail.toLowerCase(Locale.ROOT));
        if (id != null) {
            return id;
        }
        if (defaultAdminId != null) {
            return defaultAdminId;
        }
        throw new IllegalStateException(
                "no admin for agent " + agentEmail + ": the preflight lets no such run start");
    }
}
