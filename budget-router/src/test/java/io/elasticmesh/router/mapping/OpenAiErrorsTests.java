package io.elasticmesh.router.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.edge.ErrorPolicy;
import io.elasticmesh.edge.InvalidArgument;
import io.elasticmesh.router.AdmissionRefused;
import io.grpc.Status;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** gRPC statuses as OpenAI errors: the README's error table, the message as gRPC gives it, the retry hint. */
class OpenAiErrorsTests {

    @Example
    void eachCodeHasItsHttpStatusAndType() {
        assertThat(reply(Status.Code.INVALID_ARGUMENT).httpStatus()).isEqualTo(400);
        assertThat(reply(Status.Code.OUT_OF_RANGE).httpStatus()).isEqualTo(400);
        assertThat(reply(Status.Code.UNAUTHENTICATED).httpStatus()).isEqualTo(401);
        assertThat(reply(Status.Code.PERMISSION_DENIED).httpStatus()).isEqualTo(403);
        assertThat(reply(Status.Code.NOT_FOUND).httpStatus()).isEqualTo(404);
        assertThat(reply(Status.Code.RESOURCE_EXHAUSTED).httpStatus()).isEqualTo(429);
        assertThat(reply(Status.Code.UNAVAILABLE).httpStatus()).isEqualTo(503);
        assertThat(reply(Status.Code.DEADLINE_EXCEEDED).httpStatus()).isEqualTo(504);
        assertThat(reply(Status.Code.INTERNAL).httpStatus()).isEqualTo(500);
        assertThat(reply(Status.Code.RESOURCE_EXHAUSTED)
                        .body()
                        .path("error")
                        .path("type")
                        .asText())
                .isEqualTo("rate_limit_error");
        assertThat(reply(Status.Code.DEADLINE_EXCEEDED)
                        .body()
                        .path("error")
                        .path("code")
                        .asText())
                .isEqualTo("deadline_exceeded");
    }

    @Property
    void theMessageIsGrpcsAndNoCodeIsAnsweredAsSuccess(@ForAll Status.Code code) {
        if (code == Status.Code.OK) {
            return;
        }
        OpenAiErrors.Reply reply = reply(code);

        assertThat(reply.httpStatus()).isBetween(400, 599);
        assertThat(reply.body().path("error").path("message").asText()).isEqualTo("what went wrong");
    }

    @Example
    void anAdmissionRefusalCarriesItsRetryHint() {
        OpenAiErrors.Reply reply = OpenAiErrors.of(ErrorPolicy.toStatus(new AdmissionRefused(
                AdmissionRefused.Reason.QUEUE_FULL, TimeUnit.MILLISECONDS.toNanos(1500), "tier 'x' is full")));

        assertThat(reply.httpStatus()).isEqualTo(429);
        assertThat(reply.retryAfterMillis()).hasValue(1500);
        assertThat(reply.body().path("error").path("message").asText())
                .isEqualTo("tier 'x' is full; retry after 1500 ms");
    }

    @Example
    void aFieldViolationIsTheParam() {
        OpenAiErrors.Reply reply =
                OpenAiErrors.of(ErrorPolicy.toStatus(new InvalidArgument("seed", "must be 0..4294967295, was -1")));

        assertThat(reply.body().path("error").path("param").asText()).isEqualTo("seed");
        assertThat(reply.retryAfterMillis()).isEmpty();
    }

    private static OpenAiErrors.Reply reply(Status.Code code) {
        return OpenAiErrors.of(
                Status.fromCode(code).withDescription("what went wrong").asRuntimeException());
    }
}
