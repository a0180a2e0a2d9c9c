package dev.migrator.source.input;

import dev.migrator.source.csv.CsvMappingProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** The readers' one setting: the column mapping of a generic CSV ({@code mapping:}). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CsvMappingProperties.class)
public class SourceConfiguration {}
