package io.elasticmesh.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class StrictYamlTests {

    @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
    record Entry(
            @JsonProperty(required = true) String name,
            @JsonProperty(required = true) int sizeTokens,
            Long limit,
            boolean enabled,
            List<String> tags) {}

    private static Entry bind(String yaml) {
        return StrictYaml.bind(StrictYaml.tree(yaml.getBytes(StandardCharsets.UTF_8)), Entry.class, "entry 'e'");
    }

    @Test
    void bindsAMappingIntoItsRecordWithOptionalFieldsLeftOut() {
        assertThat(bind("name: n\nsize-tokens: 5\n")).isEqualTo(new Entry("n", 5, null, false, null));
        assertThat(bind("name: n\nsize-tokens: 5\nlimit: 9000000000\nenabled: true\ntags: [a, b]\n"))
                .isEqualTo(new Entry("n", 5, 9_000_000_000L, true, List.of("a", "b")));
    }

    @Test
    void unknownFieldsAreRefusedListingTheKnownOnes() {
        assertThatThrownBy(() -> bind("name: n\nsize-tokens: 5\nsize-token: 6\nlimt: 1\n"))
                .hasMessage("entry 'e': unknown field(s) [size-token, limt]; known: [name, size-tokens, limit, "
                        + "enabled, tags]");
    }

    @Test
    void aRequiredFieldMissingOrNullIsRefused() {
        assertThatThrownBy(() -> bind("name: n\n")).hasMessage("entry 'e': missing field 'size-tokens'");
        assertThatThrownBy(() -> bind("name: ~\nsize-tokens: 5\n")).hasMessage("entry 'e': missing field 'name'");
    }

    private static void assertRefused(String fields, String message) {
        assertThatThrownBy(() -> bind("name: n\nsize-tokens: 5\n" + fields)).hasMessage("entry 'e': " + message);
    }

    @Test
    void aValueOfTheWrongKindIsRefusedWithTheValueAsWritten() {
        String wholeNumber = "field 'limit' must be a whole number up to " + Long.MAX_VALUE + ", was ";
        assertRefused("limit: \"5\"\n", wholeNumber + "\"5\"");
        assertRefused("limit: 1.5\n", wholeNumber + "1.5");
        assertRefused("limit: 9223372036854775808\n", wholeNumber + "9223372036854775808");
        assertRefused("enabled: sometimes\n", "field 'enabled' must be true or false, was \"sometimes\"");
        assertRefused("tags: a\n", "field 'tags' must be a list of non-blank names, was \"a\"");
        assertRefused("tags: [a, '']\n", "field 'tags' must be a list of non-blank names, was [\"a\",\"\"]");
        assertThatThrownBy(() -> bind("name: n\nsize-tokens: 3000000000\n"))
                .hasMessage("entry 'e': field 'size-tokens' must be a whole number up to 2147483647, was 3000000000");
    }

    @Test
    void textOfTheWrongKindIsNotEchoedAsItMayBeASecret() {
        assertThatThrownBy(() -> bind("name: 12345\nsize-tokens: 5\n"))
                .hasMessage("entry 'e': field 'name' must be non-blank text");
        assertThatThrownBy(() -> bind("name: ''\nsize-tokens: 5\n"))
                .hasMessage("entry 'e': field 'name' must be non-blank text");
    }

    @Test
    void whitespaceIsTextWhereItMeansSomething() {
        assertThat(bind("name: \"\\n\"\nsize-tokens: 5\n").name()).isEqualTo("\n");
    }

    @Test
    void somethingOtherThanAMappingIsRefusedAndBrokenYamlNamed() {
        assertThatThrownBy(() -> bind("[1, 2]\n"))
                .hasMessage("entry 'e': expected a mapping of [name, size-tokens, " + "limit, enabled, tags]");
        assertThatThrownBy(() -> bind("name: [\n")).hasMessageStartingWith("not valid YAML: ");
        assertThat(StrictYaml.tree(new byte[0])).isNull();
    }
}
