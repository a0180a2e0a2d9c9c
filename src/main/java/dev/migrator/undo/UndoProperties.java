package dev.migrator.undo;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What {@code undo} asks of Intercom: {@code migration.undo-retain-metrics} keeps a deleted
 * conversation's reporting data ({@code retain_metrics} of {@code DELETE /conversations/{id}});
 * false deletes that too, and needs the token's {@code delete_conversations_and_metrics} scope.
 */
@ConfigurationProperties("migration")
public record UndoProperties(@DefaultValue("true") boolean undoRetainMetrics) {}
