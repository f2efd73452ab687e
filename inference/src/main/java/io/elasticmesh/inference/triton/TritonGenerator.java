package io.elasticmesh.inference.triton;

import io.elasticmesh.proto.inference.MutinyGRPCInferenceServiceGrpc.MutinyGRPCInferenceServiceStub;
import io.grpc.Deadline;
import io.smallrye.mutiny.Multi;

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

    /**
     * The chunks of one generation; completes after the final response. When the deadline passes the gRPC call is
     * cancelled, which is what stops the request on Triton (its request {@code timeout} does not apply to these
     * models: {@link TritonContract#toWire}).
     */
    public Multi<GenerationChunk> stream(GenerationRequest request, Deadline deadline) {
        TritonContract contract = request.contract();
        return Multi.createFrom()
                .deferred(() -> stub.withDeadline(deadline)
                        .modelStreamInfer(Multi.createFrom().item(contract.toWire(request)))
                        .map(contract.reader(request)));
    }
}
