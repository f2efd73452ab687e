package io.elasticmesh.inference.quarkus;

import io.elasticmesh.inference.triton.PhaseEvent;
import io.elasticmesh.inference.triton.ScannedGeneration;
import io.elasticmesh.inference.triton.GenerationRequest;
import io.elasticmesh.inference.triton.TritonGenerator;
import io.elasticmesh.inference.triton.TritonInstances;
import io.elasticmesh.proto.inference.MutinyGRPCInferenceServiceGrpc.MutinyGRPCInferenceServiceStub;
import io.grpc.Deadline;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * The one outbound dependency of the decoder and solution services: Triton, over its gRPC protocol
 * ({@code quarkus.grpc.clients.triton.*}, or one of {@code mesh.inference.triton-instances} chosen by the request
 * id, so both phases of a request meet the same prefix cache). Generation is not retried: a retried generation
 * would be charged twice and could differ; a failed call fails the phase with Triton's status.
 */
@ApplicationScoped
public class TritonClient {

    private final TritonGenerator generator;
    private final TritonInstances instances;

    public TritonClient(@GrpcClient("triton") MutinyGRPCInferenceServiceStub stub, InferenceConfig config) {
        this.generator = new TritonGenerator(stub);
        this.instances = config.tritonInstances()
                .map(targets -> new TritonInstances(targets, config.tritonInstancesRefresh().toNanos()))
                .orElse(null);
    }

    @PreDestroy
    void close() {
        if (instances != null) {
            instances.close();
        }
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
        TritonGenerator target = instances == null ? generator : instances.forKey(request.affinityKey());
        return ScannedGeneration.scan(target.stream(request, deadline), request.stop(), timeLimit);
    }
}
