package dev.migrator.job;

import dev.migrator.source.ExportFile;
import dev.migrator.source.InputFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;

/**
 * The identifying parameters of a migration run: the input paths, their formats, their SHA-256
 * checksums and the target workspace. The token is never among them.
 */
public final class MigrationParameters {

    public static final String INPUTS = "inputs";
    public static final String FORMATS = "formats";
    public static final String CHECKSUMS = "sha256";
    public static final String TARGET = "target";
    static final String DRY_RUN_TARGET = "dry-run";
    private static final String SEPARATOR = "\n";

    private MigrationParameters() {
    }

    public static JobParameters of(List<ExportFile> files, List<String> checksums, String target) {
        return new JobParametersBuilder()
                .addString(INPUTS, files.stream().map(f -> f.path().toAbsolutePath().normalize().toString())
                        .collect(Collectors.joining(SEPARATOR)))
                .addString(FORMATS, files.stream().map(f -> f.format().cliName()).collect(Collectors.joining(SEPARATOR)))
                .addString(CHECKSUMS, String.join(SEPARATOR, checksums))
                .addString(TARGET, target)
                .toJobParameters();
    }

    public static List<ExportFile> files(String inputs, String formats) {
        String[] paths = inputs.split(SEPARATOR);
        String[] names = formats.split(SEPARATOR);
        List<ExportFile> files = new ArrayList<>(paths.length);
        for (int i = 0; i < paths.length; i++) {
            files.add(new ExportFile(Path.of(paths[i]), InputFormat.fromCliName(names[i]).orElseThrow()));
        }
        return files;
    }

    public static List<String> checksums(JobParameters parameters) {
        return List.of(parameters.getString(CHECKSUMS).split(SEPARATOR));
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
        return isDryRun(target) ? "dry-run:" + runKey(parameters) : "workspace:" + target;
    }

    private static String runKey(JobParameters parameters) {
        String identity = String.join("\u0000", parameters.getString(INPUTS), parameters.getString(FORMATS),
                parameters.getString(CHECKSUMS), parameters.getString(TARGET));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(identity.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    }

    public static boolean isDryRun(String target) {
        return DRY_RUN_TARGET.equals(target);
    }

    /** Dry runs keep their bookkeeping apart from real workspaces and from each other. */
    public static String ledgerWorkspace(String target, long runId) {
        return isDryRun(target) ? DRY_RUN_TARGET + ":" + runId : target;
    }
}
