package dev.migrator.intercom;

import java.time.Clock;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The Intercom client: one HTTP transport (rate governor, retries) and the API over it. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(IntercomProperties.class)
public class IntercomConfiguration {

    @Bean
    HttpTransport httpTransport(IntercomProperties intercom, JsonMapper jsonMapper, Clock clock) {
        return new HttpTransport(intercom, jsonMapper, clock);
    }

    @Bean
    IntercomApi liveIntercomApi(HttpTransport httpTransport, JsonMapper jsonMapper) {
        return new IntercomApi(httpTransport, jsonMapper);
    }
}
