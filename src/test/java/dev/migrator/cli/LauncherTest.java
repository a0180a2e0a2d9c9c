package dev.migrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command that "to resume" lines name: see PackagedJarIT for the jar that is running. */
class LauncherTest {

    @Test
    void theLauncherNamedInTheEnvironmentWins() {
        Launcher launcher =
                Launcher.detect(Map.of("MIGRATOR_LAUNCHER", "  docker compose run --rm migrator "));

        assertThat(launcher.commandLine(List.of("resume", "--state-dir", "/work/state")))
                .isEqualTo("docker compose run --rm migrator resume --state-dir /work/state");
    }

    @Test
    void aBlankLauncherInTheEnvironmentIsIgnored() {
        assertThat(Launcher.detect(Map.of("MIGRATOR_LAUNCHER", " ")).commandLine(List.of("status")))
                .startsWith("java -jar ");
    }

    @Test
    void outsideAJarTheLineNamesTheJarTheBuildMakes() {
        Launcher launcher = Launcher.detect(Map.of());

        assertThat(
                        launcher.commandLine(
                                List.of("migrate", "--input", "samples/conversations.json")))
                .isEqualTo(
                        "java -jar target/conversation-migrator.jar migrate --input"
                                + " samples/conversations.json");
    }

    @Test
    void anArgumentWithASpaceIsQuotedForTheShell() {
        assertThat(
                        new Launcher("java -jar m.jar")
                                .commandLine(List.of("migrate", "--input", "my export.json")))
                .isEqualTo("java -jar m.jar migrate --input 'my export.json'");
    }

    @Test
    void aQuoteInsideAnArgumentIsKeptByClosingAndReopeningTheQuotes() {
        assertThat(
                        new Launcher("java -jar m.jar")
                                .commandLine(List.of("--input", "ann's \"export\".json")))
                .isEqualTo("java -jar m.jar --input 'ann'\\''s \"export\".json'");
    }

    @Test
    void anEmptyArgumentStaysAnArgument() {
        assertThat(new Launcher("java -jar m.jar").commandLine(List.of("--format", "")))
                .isEqualTo("java -jar m.jar --format ''");
    }
}
