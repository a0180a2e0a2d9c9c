package dev.migrator.attachments;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The attachment settings, and the source credentials read from the environment once. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AttachmentProperties.class)
public class AttachmentsConfiguration {

    @Bean
    SourceCredentials sourceCredentials(AttachmentProperties attachments, Environment environment) {
        return SourceCredentials.from(attachments, environment);
    }
}
