package io.elasticmesh.conversation.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elasticmesh.conversation.PhaseEvent;
import io.elasticmesh.edge.InvalidArgument;
import io.elasticmesh.proto.reasoning.v1.TextDelta;
import io.smallrye.mutiny.Multi;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class PhaseResponsesTests {

    /** A phase whose result is a number, answered as its text; stream messages say which kind they are. */
    private static final PhaseResponses<Integer, String, String> RESPONSES = new PhaseResponses<>(
            n -> "result " + n,
            delta -> "delta " + delta.getText() + "/" + delta.getTokens(),
            completed -> "completed " + completed);

    private static Multi<PhaseEvent<Integer>> phase() {
        return Multi.createFrom()
                .items(new PhaseEvent.Delta<>("a", 1), new PhaseEvent.Delta<>("bc", 2), new PhaseEvent.Done<>(3));
    }

    @Test
    void theStreamSendsEveryDeltaThenTheResult() {
        List<String> sent = RESPONSES.stream(phase()).collect().asList().await().indefinitely();

        assertThat(sent).containsExactly("delta a/1", "delta bc/2", "completed result 3");
    }

    @Test
    void theUnaryCallAnswersWithTheResultAlone() {
        assertThat(RESPONSES.unary(phase()).await().indefinitely()).isEqualTo("result 3");
    }

    @Test
    void anInvalidNameFailsTheStreamBeforeThePhaseRuns() {
        AtomicBoolean ran = new AtomicBoolean();
        Multi<PhaseEvent<Integer>> events = PhaseResponses.checked("r".repeat(129), "model", () -> {
            ran.set(true);
            return phase();
        });

        assertThatThrownBy(() -> events.collect().asList().await().indefinitely())
                .isInstanceOf(InvalidArgument.class)
                .hasMessageContaining("request_id");
        assertThat(ran).isFalse();
    }

    @Test
    void aDeltaKeepsItsTextAndTokens() {
        TextDelta delta = TextDeltas.toProto(new PhaseEvent.Delta<>("x", 4));

        assertThat(delta.getText()).isEqualTo("x");
        assertThat(delta.getTokens()).isEqualTo(4);
    }
}
