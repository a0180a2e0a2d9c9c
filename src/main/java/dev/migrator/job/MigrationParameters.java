package dev.migrator.job;

import dev.migrator.source.format.ExportFile;
import dev.migrator.source.input.InputFormat;
import dev.migrator.support.Sha256;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;

/**
 * The identifying parameters of a migration run: the input paths, their formats, their SHA-256
 * checksums and the target workspace; and, when the formats read them, the people file with its
 * checksum and the CSV mapping, since either changes what the inputs mean. The token is never among
 * them.
 */
public final class MigrationParameters {

    public static final String INPUTS = "inputs";
    public static final String FORMATS = "formats";
    public static final String CHECKSUMS = "sha256";
    public static final String TARGET = "target";
    public static final String USERS = "users";
    public static final String USERS_CHECKSUM = "users_sha256";
    public static final String CSV_MAPPING = "csv_mapping";

    /**
     * Not identifying: the command line that started or last continued the run, to show how to
     * resume it.
     */
    public static final String COMMAND = "command";

    /**
     * Not identifying: {@code --adopt-existing}. Kept with the run, so that resuming it goes on
     * adopting even when the resuming command leaves the option out.
     */
    public static final String ADOPT_EXISTING = "adopt_existing";

    /**
     * Identifying, and present only when true: {@code migration.recreate-deleted}. Turning it on
     * makes a new run of the same inputs, which sends again what the last one refused as deleted in
     * Intercom; runs without it keep the identity they had.
     */
    public static final String RECREATE_DELETED = "recreate_deleted";

    /**
     * Identifying, and present only when above 0: how many {@code undo}s had finished in the
     * workspace when the run began. After an undo, the command of a run it deleted makes a new run,
     * which migrates again, instead of finding its run complete; runs before any undo keep the
     * identity they had.
     */
    public static final String UNDO_GENERATION = "undo_generation";

    static final String DRY_RUN_TARGET = "dry-run";
    private static final String SEPARATOR = "\n";

    private MigrationParameters() {}

    /**
     * @param users the people file and its checksum, or {@code null}
     * @param csvMapping the CSV mapping in a stable form, or {@code null} when no input is read
     *     through it
     * @param command the command line, shown by {@code status} as the way to resume
     */
    public static JobParameters of(
            List<ExportFile> files,
            List<String> checksums,
            String target,
            Checksummed users,
            String csvMapping,
            String command) {
        JobParametersBuilder builder =
                new JobParametersBuilder()
                        .addString(
                                INPUTS,
                                files.stream()
                                        .map(f -> absolute(f.path()))
                                        .collect(Collectors.joining(SEPARATOR)))
                        .addString(
                                FORMATS,
                                files.stream()
                                        .map(f -> f.format().cliName())
                                        .collect(Collectors.joining(SEPARATOR)))
                        .addString(CHECKSUMS, String.join(SEPARATOR, checksums))
                        .addString(TARGET, target)
                        .addString(COMMAND, command, false);
        if (users != null) {
            builder.addString(USERS, absolute(users.path()))
                    .addString(USERS_CHECKSUM, users.sha256());
        }
        if (csvMapping != null) {
            builder.addString(CSV_MAPPING, Sha256.of(csvMapping));
        }
        return builder.toJobParameters();
    }

    /** The same run, adopting what exists in Intercom ({@code --adopt-existing}). */
    static JobParameters adoptingExisting(JobParameters parameters) {
        return new JobParametersBuilder(parameters)
                .addString(ADOPT_EXISTING, "true", false)
                .toJobParameters();
    }

    /** The run that creates again what was deleted in Intercom ({@code recreate-deleted}). */
    static JobParameters recreatingDeleted(JobParameters parameters) {
        return new JobParametersBuilder(parameters)
                .addString(RECREATE_DELETED, "true")
                .toJobParameters();
    }

    /** The run after {@code generation} undos of its workspace (unchanged when none). */
    static JobParameters afterUndos(JobParameters parameters, long generation) {
        return generation == 0
                ? parameters
                : new JobParametersBuilder(parameters)
                        .addLong(UNDO_GENERATION, generation)
                        .toJobParameters();
    }

    /** How many undos had finished in the run's workspace when it began. */
    public static long undoGeneration(JobParameters parameters) {
        Long generation = parameters.getLong(UNDO_GENERATION);
        return generation == null ? 0 : generation;
    }

    public static boolean adoptsExisting(JobParameters parameters) {
        return "true".equals(parameters.getString(ADOPT_EXISTING));
    }

    /** A file and the SHA-256 of its content. */
    public record Checksummed(Path path, String sha256) {}

    /** The people file of a run, or {@code null}. */
    public static Checksummed users(JobParameters parameters) {
        String users = parameters.getString(USERS);
        return users == null
                ? null
                : new Checksummed(Path.of(users), parameters.getString(USERS_CHECKSUM));
    }

    private static String absolute(Path path) {
        return path.toAbsolutePath().normalize().toString();
    }

    public static List<ExportFile> files(String inputs, String formats) {
        String[] paths = inputs.split(SEPARATOR);
        String[] names = formats.split(SEPARATOR);
        List<ExportFile> files = new ArrayList<>(paths.length);
        for (int i = 0; i < paths.length; i++) {
            files.add(
                    new ExportFile(
                            Path.of(paths[i]),
                            InputFormat.fromCliName(names[i]).orElseThrow().format()));
        }
        return files;
    }

    public static List<String> checksums(JobParameters parameters) {
        return checksums(parameters.getString(CHECKSUMS));
    }

    public static List<String> checksums(String checksums) {
        return List.of(checksums.split(SEPARATOR));
    }

    public static List<ExportFile> files(JobParameters parameters) {
        return files(parameters.getString(INPUTS), parameters.getString(FORMATS));
    }

    /**
     * What a lease guards: the whole target workspace for a real run (two migrations into one
     * workspace at once could race on the same conversations), the run itself for a dry run.
     */
    public static String leaseKey(JobParameters parameters) {
        String target = parameters.getString(TARGET);
        return isDryRun(target) ? "dry-run:" + runKey(parameters) : workspaceLeaseKey(target);
    }

    /** The lease of a workspace: held by a run into it, and by an undo in it. */
    public static String workspaceLeaseKey(String workspace) {
        return "workspace:" + workspace;
    }

    private static String runKey(JobParameters parameters) {
        return Sha256.of(
                parameters.getIdentifyingParameters().stream()
                        .map(p -> p.name() + "=" + p.value())
                        .sorted()
                        .collect(Collectors.joining("\u0000")));
    }

    public static boolean isDryRun(String target) {
        return DRY_RUN_TARGET.equals(target);
    }

    /** Dry runs keep their bookkeeping apart from real workspaces and from each other. */
    public static String ledgerWorkspace(String target, long runId) {
        return isDryRun(target) ? DRY_RUN_TARGET + ":" + runId : target;
    }
}
