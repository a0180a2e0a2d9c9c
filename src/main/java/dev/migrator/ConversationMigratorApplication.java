package dev.migrator;

import dev.migrator.attachments.SourceCredentials;
import dev.migrator.cli.CommandLineParser;
import dev.migrator.cli.Console;
import dev.migrator.cli.ExitCode;
import dev.migrator.cli.Invocation;
import dev.migrator.cli.Launcher;
import dev.migrator.cli.StartupFailure;
import dev.migrator.cli.StateDirectory;
import dev.migrator.cli.UsageException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import tools.jackson.databind.json.JsonMapper;

/**
 * Moves helpdesk conversation history into Intercom: see the README for the contract and
 * docs/architecture.md for the design. Parses the command line before Spring starts, then runs one
 * command in a context wired by each package's own configuration.
 */
@SpringBootApplication
public class ConversationMigratorApplication {

    static final String TOKEN_VARIABLE = "INTERCOM_ACCESS_TOKEN";

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    /** Runs one command and returns its exit code; {@code main} without the {@code System.exit}. */
    public static int run(
            String[] args, PrintStream out, PrintStream err, Map<String, String> environment) {
        Optional<Invocation> parsed;
        try {
            parsed = CommandLineParser.parse(args, out);
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            err.println("Run with --help for the usage.");
            return ExitCode.UNUSABLE.code();
        }
        if (parsed.isEmpty()) {
            return ExitCode.OK.code(); // help or the version, printed
        }
        Invocation invocation = parsed.get();
        SpringApplication application =
                new SpringApplication(ConversationMigratorApplication.class);
        application.setBannerMode(Banner.Mode.OFF);
        application.setLogStartupInfo(false);
        // A stop on SIGTERM is the job's own shutdown hook's work; closing the database under it
        // would lose that.
        application.setRegisterShutdownHook(false);
        application.addListeners(new StateDirectory());
        application.addInitializers(
                context -> {
                    context.getBeanFactory().registerSingleton("invocation", invocation);
                    context.getBeanFactory().registerSingleton("console", new Console(out, err));
                    context.getBeanFactory()
                            .registerSingleton("launcher", Launcher.detect(environment));
                    String token = environment.get(TOKEN_VARIABLE);
                    if (token != null && !token.isBlank()) {
                        // Above the config files, below the options: the order the README gives.
                        context.getEnvironment()
                                .getPropertySources()
                                .addAfter(
                                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                                        new MapPropertySource(
                                                "intercomTokenFromEnvironment",
                                                Map.of("intercom.access-token", token)));
                    }
                    // The sources' credentials, from the environment this run was given (which
                    // SourceCredentials reads through Spring's).
                    Map<String, Object> credentials = new HashMap<>();
                    for (String name : SourceCredentials.VARIABLES) {
                        String value = environment.get(name);
                        if (value != null) {
                            credentials.put(name, value);
                        }
                    }
                    if (!credentials.isEmpty()) {
                        context.getEnvironment()
                                .getPropertySources()
                                .addFirst(
                                        new MapPropertySource(
                                                "sourceCredentialsFromEnvironment", credentials));
                    }
                });
        try (ConfigurableApplicationContext context =
                application.run(springArguments(invocation))) {
            return SpringApplication.exit(context);
        } catch (RuntimeException e) {
            StartupFailure failure = StartupFailure.of(e);
            err.println("error: " + failure.message());
            return failure.exitCode().code();
        }
    }

    /** One JSON mapper for the whole application (requests, ledger records, reports). */
    @Bean
    JsonMapper jsonMapper() {
        return JsonMapper.builder().build();
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * Config files in the README's order: defaults, ./migration-config.yml, --config FILE; then
     * options.
     */
    private static String[] springArguments(Invocation invocation) {
        List<String> arguments = new ArrayList<>();
        String locations =
                "optional:classpath:/application.yml,optional:file:./migration-config.yml";
        if (invocation.config() != null) {
            locations += ",file:" + invocation.config().toAbsolutePath();
        }
        arguments.add("--spring.config.location=" + locations);
        if (invocation.stateDir() != null) {
            arguments.add("--migration.state-dir=" + invocation.stateDir());
        }
        return arguments.toArray(String[]::new);
    }
}
