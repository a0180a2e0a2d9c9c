package dev.migrator.source.csv;

import java.nio.file.Path;

/**
 * A CSV export being read: its path, and its name in messages and rejects (the path as the user
 * gave it).
 */
record CsvFile(Path path, String displayName) {}
