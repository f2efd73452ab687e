package io.elasticmesh.inference.triton;

import io.elasticmesh.proto.inference.MutinyGRPCInferenceServiceGrpc.MutinyGRPCInferenceServiceStub;
import io.grpc.Deadline;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Streams generations from a Triton model that speaks the vLLM backend contract. Each generation is its own
 * ModelStreamInfer call, so cancelling the returned stream (or its deadline passing) cancels the call, and Triton
 * stops generating.
 */
public final class TritonGenerator {

    private final MutinyGRPCInferenceServiceStub stub;

    public TritonGenerator(MutinyGRPCInferenceServiceStub stub) {
        this.stub = stub;
    }

    /**
     * The chunks of one generation; completes after the final response. Triton gets the deadline too, as its
     * request {@code timeout}, so a request still queued there when the deadline passes is dropped by Triton.
     */
    public Multi<GenerationChunk> stream(GenerationRequest request, Deadline deadline) {
        return Multi.createFrom().deferred(() -> stub.withDeadline(deadline)
                .modelStreamInfer(Multi.createFrom().item(VllmContract.toWire(request,
                        deadline.timeRemaining(TimeUnit.MICROSECONDS))))
                .map(VllmContract::fromWire));
    }

    /** The whole generation. */
    public Uni<Generation> generate(GenerationRequest request, Deadline deadline) {
        return Uni.createFrom().deferred(() -> {
            GenerationAccumulator accumulator = new GenerationAccumulator(System.nanoTime());
            return stream(request, deadline).collect().in(() -> accumulator, GenerationAccumulator::add)
                    .map(GenerationAccumulator::finish);
        });
    }

    /**
     * The generation as far as it got within {@code timeLimit}: when the limit comes first the stream is cancelled
     * (Triton stops generating) and the result so far is returned with {@link Generation.Finish#TIME_LIMIT}.
     */
    public Uni<Generation> generate(GenerationRequest request, Deadline deadline, Duration timeLimit) {
        return Uni.createFrom().deferred(() -> {
            GenerationAccumulator accumulator = new GenerationAccumulator(System.nanoTime());
            return stream(request, deadline).select().first(timeLimit)
                    .collect().in(() -> accumulator, GenerationAccumulator::add)
                    .map(GenerationAccumulator::finishCut);
        });
    }
}
