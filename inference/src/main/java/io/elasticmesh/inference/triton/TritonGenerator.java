package io.elasticmesh.inference.triton;

import io.elasticmesh.proto.inference.MutinyGRPCInferenceServiceGrpc.MutinyGRPCInferenceServiceStub;
import io.grpc.Deadline;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Streams generations from a Triton model in the contract its request names. Each generation is its own
 * ModelStreamInfer call, so cancelling the returned stream (or its deadline passing) cancels the call, and Triton
 * stops generating.
 */
public final class TritonGenerator {

    private final MutinyGRPCInferenceServiceStub stub;

    public TritonGenerator(MutinyGRPCInferenceServiceStub stub) {
        this.stub = stub;
    }

    /** The chunks of one generation; completes after the final response. */
    public Multi<GenerationChunk> stream(GenerationRequest request, Deadline deadline) {
        TritonContract contract = request.contract();
        return Multi.createFrom().deferred(() -> stub.withDeadline(deadline)
                .modelStreamInfer(Multi.createFrom().item(contract.toWire(request)))
                .map(contract.reader(request)));
    }

    /** The whole generation. */
    public Uni<Generation> generate(GenerationRequest request, Deadline deadline) {
        return Uni.createFrom().deferred(() -> {
            GenerationAccumulator accumulator = new GenerationAccumulator(System.nanoTime());
            return stream(request, deadline).collect().in(() -> accumulator, GenerationAccumulator::add)
                    .map(GenerationAccumulator::finish);
        });
    }
}
