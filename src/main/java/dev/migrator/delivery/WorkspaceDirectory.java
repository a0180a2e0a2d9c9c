package dev.migrator.delivery;

/**
 * What delivery needs to know of the workspace, built by the preflight before anything is sent: who
 * writes each agent's parts and owns each conversation, which team each team name is, and the types
 * of the conversation attributes the mapping fills.
 */
public record WorkspaceDirectory(
        AdminDirectory admins, TeamDirectory teams, AttributeSchema attributes) {

    /** A workspace known by its admins alone: no team and no attribute is looked up. */
    public static WorkspaceDirectory of(AdminDirectory admins) {
        return new WorkspaceDirectory(admins, TeamDirectory.NONE, AttributeSchema.NONE);
    }

    public static WorkspaceDirectory forDryRun() {
        return new WorkspaceDirectory(
                AdminDirectory.forDryRun(), TeamDirectory.forDryRun(), AttributeSchema.forDryRun());
    }
}
