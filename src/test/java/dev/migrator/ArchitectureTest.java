package dev.migrator;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.List;

/**
 * The package structure follows the data flow, and its arrows point one way: each package may
 * use only the packages below it in {@link #BOTTOM_UP}. The Intercom client and the shared helpers
 * are leaves; the command line is the top.
 */
@AnalyzeClasses(packages = "dev.migrator", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** Each package, and what it may use: every package before it. */
    static final List<String> BOTTOM_UP = List.of(
            "support",   // helpers any package may use: SHA-256, root causes
            "intercom",  // the HTTP client: transports, rate governor, API payloads, failure kinds
            "source",    // export files to SourceConversation records, one folder per format
            "mapping",   // the pure planner: SourceConversation to PlannedConversation
            "ledger",    // what was sent and what it became, in the job-repository database
            "delivery",  // one planned conversation into Intercom, exactly once
            "job",       // the Spring Batch job and the runner that owns a run
            "report",    // a run's summary, rejects and HTML report
            "metrics",   // the optional Prometheus endpoint
            "cli");      // commands: parse, print, map outcomes to exit codes

    @ArchTest
    static final ArchRule layers_point_down = layersPointDown();

    @ArchTest
    static final ArchRule packages_are_free_of_cycles =
            slices().matching("dev.migrator.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule formats_are_free_of_cycles =
            slices().matching("dev.migrator.source.(*)..").should().beFreeOfCycles();

    private static ArchRule layersPointDown() {
        LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String name : BOTTOM_UP) {
            layers = layers.layer(name).definedBy("dev.migrator." + name + "..");
        }
        layers = layers.layer("application").definedBy("dev.migrator");
        for (int i = 0; i < BOTTOM_UP.size(); i++) {
            String name = BOTTOM_UP.get(i);
            layers = i == 0
                    ? layers.whereLayer(name).mayNotAccessAnyLayer()
                    : layers.whereLayer(name).mayOnlyAccessLayers(BOTTOM_UP.subList(0, i).toArray(String[]::new));
        }
        return layers.whereLayer("application").mayNotBeAccessedByAnyLayer();
    }
}
