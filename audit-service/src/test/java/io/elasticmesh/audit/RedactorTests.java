package io.elasticmesh.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class RedactorTests {

    private final Redactor redactor =
            new Redactor(List.of("[0-9]{3}-[0-9]{2}-[0-9]{4}", "(?i)password: *\\S+"), "[REDACTED]");

    @Property
    void noMatchOfAnyPatternSurvives(@ForAll String before, @ForAll String after) {
        String text = before + " SSN 123-45-6789, Password: hunter2 " + after;

        String redacted = redactor.redact(text);

        assertThat(redacted)
                .doesNotContainPattern("[0-9]{3}-[0-9]{2}-[0-9]{4}")
                .doesNotContain("hunter2")
                .contains(" SSN [REDACTED], [REDACTED] ");
    }

    @Test
    void textWithoutMatchesIsKeptAsIs() {
        assertThat(redactor.redact("call 12-34 at $1")).isEqualTo("call 12-34 at $1");
    }

    @Test
    void invalidPatternIsRejectedNamingIt() {
        assertThatThrownBy(() -> new Redactor(List.of("ok", "(unclosed"), "x"))
                .hasMessageContaining("audit.redaction.patterns: '(unclosed' is not a valid regular expression");
    }
}
