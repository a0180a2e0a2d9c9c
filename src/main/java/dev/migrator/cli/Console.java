package dev.migrator.cli;

import java.io.PrintStream;

/**
 * Where the user reads what the migrator says: messages on standard output, problems on standard
 * error.
 */
public record Console(PrintStream out, PrintStream err) {

    public void say(String message) {
        out.println(message);
    }

    public void problem(String message) {
        err.println(message);
    }
}
