package io.elasticmesh.inference.triton;

import io.elasticmesh.proto.inference.MutinyGRPCInferenceServiceGrpc.MutinyGRPCInferenceServiceStub;
import io.grpc.Deadline;
import io.smallrye.mutiny.Multi;
import java.util.concurrent.TimeUnit;

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
     * The chunks of one generation; completes after the final response. Triton gets the deadline too, as its
     * request {@code timeout}, so a request still queued there when the deadline passes is dropped by Triton.
     */
    public Multi<GenerationChunk> stream(GenerationRequest request, Deadline deadline) {
        TritonContract contract = request.contract();
        return Multi.createFrom().deferred(() -> stub.withDeadline(deadline)
                .modelStreamInfer(Multi.createFrom().item(contract.toWire(request,
                        deadline.timeRemaining(TimeUnit.MICROSECONDS))))
                .map(contract.reader(request)));
    }
}
