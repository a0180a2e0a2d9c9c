package dev.migrator.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a parser gets the bytes of an input file: straight from the file, or through the step's
 * reader, which checks that they are the bytes the run was identified by.
 */
@FunctionalInterface
public interface InputOpener {

    /** The file's bytes as they are on disk, unchecked. */
    InputOpener FILES = Files::newInputStream;

    InputStream open(Path path) throws IOException;
}
