package dev.migrator;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.ArrayList;
import java.util.List;

/**
 * The package structure follows the data flow, and its arrows point one way: each package may use
 * only the packages below it in {@link #BOTTOM_UP}. The Intercom client and the shared helpers are
 * leaves; the command line is the top.
 */
@AnalyzeClasses(packages = "dev.migrator", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** Each package, and what it may use: every package before it. */
    static final List<String> BOTTOM_UP =
            List.of(
                    "support", // helpers any package may use: SHA-256, root causes
                    "intercom", // the HTTP client: transports, rate governor, API payloads, failure
                    // kinds
                    "source", // export files to SourceConversation records, one folder per format
                    "mapping", // the pure planner: SourceConversation to PlannedConversation
                    "ledger", // what was sent and what it became, in the job-repository database
                    "attachments", // files carried from the source: settings, credentials,
                    // downloads
                    "delivery", // one planned conversation into Intercom, exactly once
                    "job", // the Spring Batch job and the runner that owns a run
                    "undo", // deletes what the migrator created in a run, under the workspace's
                    // lease
                    "report", // a run's summary, rejects and HTML report
                    "metrics", // the optional Prometheus endpoint
                    "cli"); // commands: parse, print, map outcomes to exit codes

    /**
     * The packages of {@code source}, bottom up, a row a layer: each package may use the packages
     * of the rows before its own, and none of its row. "" is {@code dev.migrator.source} itself.
     */
    static final List<List<String>> SOURCE_BOTTOM_UP =
            List.of(
                    List.of(""), // the model: SourceConversation, SourceRecord, RecordParser,
                    // failures
                    List.of(
                            "json",
                            "csv"), // generic readers: JSON values, fields, people; CSV rows
                    // through a layout
                    List.of("format"), // the format SPI: ExportFormat, ExportFile, ReadContext
                    List.of(
                            "canonical",
                            "zendesk",
                            "freshdesk",
                            "helpscout",
                            "front"), // the formats, one folder each
                    List.of("input")); // what the job reads with: the registry, detection, the

    // step's reader

    @ArchTest static final ArchRule layers_point_down = layersPointDown();

    @ArchTest
    static final ArchRule packages_are_free_of_cycles =
            slices().matching("dev.migrator.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule formats_are_free_of_cycles =
            slices().matching("dev.migrator.source.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule every_package_is_free_of_cycles =
            slices().matching("dev.migrator.(**)").should().beFreeOfCycles();

    @ArchTest static final ArchRule source_layers_point_down = sourceLayersPointDown();

    private static ArchRule layersPointDown() {
        LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String name : BOTTOM_UP) {
            layers = layers.layer(name).definedBy("dev.migrator." + name + "..");
        }
        layers = layers.layer("application").definedBy("dev.migrator");
        for (int i = 0; i < BOTTOM_UP.size(); i++) {
            String name = BOTTOM_UP.get(i);
            layers =
                    i == 0
                            ? layers.whereLayer(name).mayNotAccessAnyLayer()
                            : layers.whereLayer(name)
                                    .mayOnlyAccessLayers(
                                            BOTTOM_UP.subList(0, i).toArray(String[]::new));
        }
        return layers.whereLayer("application").mayNotBeAccessedByAnyLayer();
    }

    private static ArchRule sourceLayersPointDown() {
        LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers();
        List<String> below = new ArrayList<>();
        for (List<String> row : SOURCE_BOTTOM_UP) {
            for (String name : row) {
                String packages =
                        name.isEmpty()
                                ? "dev.migrator.source"
                                : "dev.migrator.source." + name + "..";
                layers = layers.layer(sourceLayer(name)).definedBy(packages);
            }
        }
        for (List<String> row : SOURCE_BOTTOM_UP) {
            for (String name : row) {
                layers =
                        below.isEmpty()
                                ? layers.whereLayer(sourceLayer(name)).mayNotAccessAnyLayer()
                                : layers.whereLayer(sourceLayer(name))
                                        .mayOnlyAccessLayers(below.toArray(String[]::new));
            }
            row.forEach(name -> below.add(sourceLayer(name)));
        }
        return layers;
    }

    private static String sourceLayer(String name) {
        return name.isEmpty() ? "source model" : "source." + name;
    }
}
