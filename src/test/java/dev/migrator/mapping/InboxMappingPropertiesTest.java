package dev.migrator.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrator.mapping.InboxMappingProperties.Entry;
import dev.migrator.support.YamlBinding;
import org.junit.jupiter.api.Test;

/**
 * {@code mapping.teams} and {@code mapping.attributes} as Spring Boot's YAML binder delivers them.
 */
class InboxMappingPropertiesTest {

    private static InboxMappingProperties bind(String yaml) {
        return YamlBinding.bind(yaml, "mapping", InboxMappingProperties.class);
    }

    private static String problem(String yaml) {
        return YamlBinding.problem(yaml, "mapping", InboxMappingProperties.class);
    }

    @Test
    void namesKeepTheirSpacesDotsAndCase() {
        InboxMappingProperties mapping =
                bind(
                        """
                        mapping:
                          teams:
                            - source: Tier 2 Support
                              intercom: Escalations
                          attributes:
                            - source: "360012345"
                              intercom: Order number
                            - source: cf_plan.name
                              intercom: Plan
                        """);

        assertThat(mapping.teams()).containsExactly(new Entry("Tier 2 Support", "Escalations"));
        assertThat(mapping.attributes())
                .containsExactly(
                        new Entry("360012345", "Order number"), new Entry("cf_plan.name", "Plan"));
    }

    @Test
    void noSectionMeansNothingMapped() {
        InboxMappingProperties mapping = bind("migration:\n  chunk-size: 10\n");

        assertThat(mapping.teams()).isEmpty();
        assertThat(mapping.attributes()).isEmpty();
    }

    @Test
    void anEntryWithoutEitherSideIsRefusedNamingIt() {
        assertThat(problem("mapping:\n  teams:\n    - intercom: Billing\n"))
                .isEqualTo("mapping.teams[0] has no source: name the source's team");
        assertThat(problem("mapping:\n  attributes:\n    - source: priority\n"))
                .isEqualTo(
                        "mapping.attributes[0] (priority) has no intercom: name the Intercom"
                                + " conversation attribute");
    }

    @Test
    void aSourceListedTwiceOrAnAttributeFilledTwiceIsRefused() {
        assertThat(
                        problem(
                                """
                                mapping:
                                  teams:
                                    - {source: Billing, intercom: A}
                                    - {source: billing, intercom: B}
                                """))
                .isEqualTo("mapping.teams[1]: billing is listed twice; list each source team once");
        assertThat(
                        problem(
                                """
                                mapping:
                                  attributes:
                                    - {source: priority, intercom: Priority}
                                    - {source: cf_priority, intercom: Priority}
                                """))
                .isEqualTo(
                        "mapping.attributes[1]: attribute Priority is filled by two source fields;"
                                + " list each attribute once");
    }
}
