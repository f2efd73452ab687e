package io.elasticmesh.local.quarkus;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.smallrye.mutiny.Uni;
import java.time.Duration;

/** Test support for Mutiny gRPC clients. */
public final class GrpcCalls {

    private GrpcCalls() {
    }

    /** Awaits a call that must fail and returns its status; a successful reply fails the test. */
    public static Status failureOf(Uni<?> call) {
        Throwable failure = call.onItem().transform(reply -> (Throwable) null).onFailure().recoverWithItem(t -> t)
                .await().atMost(Duration.ofSeconds(60));
        if (!(failure instanceof StatusRuntimeException e)) {
            throw new AssertionError("expected the call to fail with a gRPC status, got " + failure);
        }
        return e.getStatus();
    }
}
