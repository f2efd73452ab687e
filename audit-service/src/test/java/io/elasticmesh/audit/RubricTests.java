package io.elasticmesh.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elasticmesh.edge.InvalidArgument;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class RubricTests {

    private final Rubric rubric = new Rubric(
            List.of(new Rubric.Value("acceptable", "", false), new Rubric.Value("escalate", "second reviewer", true)));

    @Test
    void aConfiguredValueIsFoundWithWhetherItEscalates() {
        assertThat(rubric.require("escalate").escalates()).isTrue();
        assertThat(rubric.require("acceptable").escalates()).isFalse();
    }

    @Property
    void anyOtherValueIsRefusedNamingTheFieldAndTheChoices(@ForAll String sent) {
        if (sent.equals("acceptable") || sent.equals("escalate")) {
            return;
        }
        assertThatThrownBy(() -> rubric.require(sent)).isInstanceOfSatisfying(InvalidArgument.class, e -> {
            assertThat(e.field()).isEqualTo("verdict");
            assertThat(e.getMessage()).startsWith("verdict must be one of [acceptable, escalate], was '");
            // The value sent comes back bounded (Echo), whatever its length.
            assertThat(e.getMessage().length()).isLessThan(160);
        });
    }

    @Test
    void anEmptyOrAmbiguousRubricIsRefusedAtStartUp() {
        assertThatThrownBy(() -> new Rubric(List.of())).hasMessageContaining("at least one verdict");
        assertThatThrownBy(
                        () -> new Rubric(List.of(new Rubric.Value("ok", "", false), new Rubric.Value("ok", "", true))))
                .hasMessageContaining("names verdict 'ok' twice");
        assertThatThrownBy(() -> new Rubric(List.of(new Rubric.Value("Looks Fine", "", false))))
                .hasMessageContaining("'Looks Fine' must be 1 to 64 lowercase letters");
    }

    @Property
    void aVerdictSettlesTheStateWhateverTheClaim(
            @ForAll boolean hasVerdict, @ForAll boolean escalates, @ForAll boolean claimed) {
        ReviewState state = ReviewState.of(hasVerdict, escalates, claimed);

        if (hasVerdict) {
            assertThat(state).isEqualTo(escalates ? ReviewState.ESCALATED : ReviewState.REVIEWED);
        } else {
            assertThat(state).isEqualTo(claimed ? ReviewState.CLAIMED : ReviewState.UNREVIEWED);
        }
    }
}
