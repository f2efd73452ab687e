package io.elasticmesh.conversation.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.conversation.ThinkingCut;
import io.elasticmesh.proto.reasoning.v1.FinishReason;
import io.elasticmesh.proto.reasoning.v1.TruncationReason;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class TruncationReasonsTests {

    @Property
    void everyCutReadsBackAsItself(@ForAll ThinkingCut cut) {
        assertThat(TruncationReasons.fromProto(cut != ThinkingCut.NONE, TruncationReasons.toProto(cut)))
                .isEqualTo(cut);
    }

    @Property
    void aResponseThatIsNotTruncatedHasNoCutWhateverReasonItNames(@ForAll TruncationReason reason) {
        assertThat(TruncationReasons.fromProto(false, reason)).isEqualTo(ThinkingCut.NONE);
    }

    @Test
    void aTruncatedResponseWithoutAKnownReasonCountsAsABudgetCut() {
        assertThat(TruncationReasons.fromProto(true, TruncationReason.TRUNCATION_REASON_UNSPECIFIED))
                .isEqualTo(ThinkingCut.TOKEN_BUDGET);
        assertThat(TruncationReasons.fromProto(true, TruncationReason.UNRECOGNIZED))
                .isEqualTo(ThinkingCut.TOKEN_BUDGET);
    }

    @Test
    void aTimeCutHasNoBackendFinishReason() {
        assertThat(TruncationReasons.finishReason(ThinkingCut.DEADLINE))
                .isEqualTo(FinishReason.FINISH_REASON_UNSPECIFIED);
        assertThat(TruncationReasons.finishReason(ThinkingCut.TOKEN_BUDGET))
                .isEqualTo(FinishReason.FINISH_REASON_LENGTH);
        assertThat(TruncationReasons.finishReason(ThinkingCut.CONTEXT_WINDOW))
                .isEqualTo(FinishReason.FINISH_REASON_LENGTH);
        assertThat(TruncationReasons.finishReason(ThinkingCut.NONE)).isEqualTo(FinishReason.FINISH_REASON_STOP);
    }
}
