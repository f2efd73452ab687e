package io.elasticmesh.inference.quarkus;

import io.elasticmesh.inference.triton.PhaseEvent;
import io.elasticmesh.inference.triton.ScannedGeneration;
import io.elasticmesh.inference.triton.GenerationRequest;
import io.elasticmesh.inference.triton.TritonGenerator;
import io.elasticmesh.proto.inference.MutinyGRPCInferenceServiceGrpc.MutinyGRPCInferenceServiceStub;
import io.grpc.Deadline;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Multi;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * The one outbound dependency of the decoder and solution services: Triton, over its gRPC protocol
 * ({@code quarkus.grpc.clients.triton.*}). Generation is not retried: a retried generation would be charged twice
 * and could differ; a failed call fails the phase with Triton's status.
 */
@ApplicationScoped
public class TritonClient {

    private final TritonGenerator generator;

    public TritonClient(@GrpcClient("triton") MutinyGRPCInferenceServiceStub stub) {
        this.generator = new TritonGenerator(stub);
    }

    /**
     * Streams one generation within {@code deadline} as deltas free of {@code request.stop()} strings, then its end;
     * fails with Triton's gRPC status or a {@code TritonModelException}. Cancelling the stream cancels the call.
     *
     * @param timeLimit when not null, the generation is cut after this long (the call is cancelled, so Triton stops)
     *     and ends as far as it got, with {@link io.elasticmesh.inference.triton.Generation.Finish#TIME_LIMIT}
     */
    @WithSpan(value = "TritonClient.generate", kind = SpanKind.CLIENT)
    public Multi<PhaseEvent<ScannedGeneration>> generate(GenerationRequest request, Deadline deadline,
            Duration timeLimit) {
        Span.current().setAttribute("gen_ai.request.model", request.tritonModel());
        Span.current().setAttribute("gen_ai.request.max_tokens", request.maxTokens());
        if (timeLimit != null) {
            Span.current().setAttribute("elastic.time_limit_ms", timeLimit.toMillis());
        }
        return ScannedGeneration.scan(generator.stream(request, deadline), request.stop(), timeLimit);
    }
}
