package io.elasticmesh.inference.quarkus;

import io.elasticmesh.inference.triton.Generation;
import io.elasticmesh.inference.triton.GenerationRequest;
import io.elasticmesh.inference.triton.TritonGenerator;
import io.elasticmesh.proto.inference.MutinyGRPCInferenceServiceGrpc.MutinyGRPCInferenceServiceStub;
import io.grpc.Deadline;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Uni;
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

    /** Generates within {@code deadline}; fails with Triton's gRPC status or a {@code TritonModelException}. */
    @WithSpan(value = "TritonClient.generate", kind = SpanKind.CLIENT)
    public Uni<Generation> generate(GenerationRequest request, Deadline deadline) {
        describe(request);
        return generator.generate(request, deadline);
    }

    /** As {@link #generate(GenerationRequest, Deadline)}, cut after {@code timeLimit} (see the generator). */
    @WithSpan(value = "TritonClient.generate", kind = SpanKind.CLIENT)
    public Uni<Generation> generate(GenerationRequest request, Deadline deadline, Duration timeLimit) {
        describe(request);
        Span.current().setAttribute("elastic.time_limit_ms", timeLimit.toMillis());
        return generator.generate(request, deadline, timeLimit);
    }

    private static void describe(GenerationRequest request) {
        Span.current().setAttribute("gen_ai.request.model", request.tritonModel());
        Span.current().setAttribute("gen_ai.request.max_tokens", request.maxTokens());
    }
}
