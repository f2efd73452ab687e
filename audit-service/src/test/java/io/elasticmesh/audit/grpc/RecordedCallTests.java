package io.elasticmesh.audit.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.proto.audit.v1.ListAuditEventsRequest;
import io.grpc.Status;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class RecordedCallTests {

    @Property
    void aRequestIsRecordedInFullUpToTheBoundAndSaysHowLongItWasBeyond(
            @ForAll @IntRange(min = 1, max = 10_000) int length) {
        ListAuditEventsRequest request = ListAuditEventsRequest.newBuilder()
                .setThinkingContains("x".repeat(length))
                .build();
        String full = "thinking_contains: \"" + "x".repeat(length) + "\"";

        String recorded = RecordedCall.text(request);

        if (full.length() <= RecordedCall.MAX_REQUEST_CHARS) {
            assertThat(recorded).isEqualTo(full);
        } else {
            assertThat(recorded)
                    .startsWith(full.substring(0, RecordedCall.MAX_REQUEST_CHARS))
                    .endsWith("… (" + full.length() + " characters)")
                    .hasSizeLessThan(RecordedCall.MAX_REQUEST_CHARS + 30);
        }
    }

    @Property
    void theOutcomeIsAllowedOrTheStatusAsAnswered(@ForAll Status.Code code) {
        String outcome = RecordedCall.outcome(code.toStatus().withDescription("why"));

        assertThat(outcome).isEqualTo(code == Status.Code.OK ? "allowed" : "refused: " + code + ": why");
    }
}
