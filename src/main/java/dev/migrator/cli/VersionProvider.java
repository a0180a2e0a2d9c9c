package dev.migrator.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code --version}: the version the build wrote into {@code META-INF/build-info.properties}, in
 * the jar and in tests.
 */
final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() throws IOException {
        try (InputStream in =
                VersionProvider.class.getResourceAsStream("/META-INF/build-info.properties")) {
            if (in == null) {
                // Compiled without Maven (by an IDE, say), so without the build-info goal.
                return new String[] {"conversation-migrator, version unknown: not built by Maven"};
            }
            Properties buildInfo = new Properties();
            buildInfo.load(in);
            return new String[] {"conversation-migrator " + buildInfo.getProperty("build.version")};
        }
    }
}
