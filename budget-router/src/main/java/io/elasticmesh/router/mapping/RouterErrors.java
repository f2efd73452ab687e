package io.elasticmesh.router.mapping;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.elasticmesh.inference.quarkus.GrpcErrors;
import io.elasticmesh.router.service.AdmissionRefused;
import io.elasticmesh.router.service.BudgetAboveCeiling;
import io.elasticmesh.router.service.TierNotAllowed;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import java.util.concurrent.TimeUnit;

/**
 * The router's failures as gRPC statuses: a refused admission is RESOURCE_EXHAUSTED with a retry-after hint (in the
 * message and as a standard {@code google.rpc.RetryInfo} detail), a budget above the tier's ceiling OUT_OF_RANGE, a
 * tier the tenant may not use PERMISSION_DENIED; the rest as every service maps them.
 */
public final class RouterErrors {

    private RouterErrors() {
    }

    public static Throwable toStatus(Throwable failure) {
        if (failure instanceof AdmissionRefused refused) {
            long retryMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(refused.retryAfterNanos()));
            RetryInfo retry = RetryInfo.newBuilder().setRetryDelay(com.google.protobuf.Duration.newBuilder()
                    .setSeconds(retryMs / 1000).setNanos((int) (retryMs % 1000) * 1_000_000)).build();
            return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                    .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
                    .setMessage(refused.getMessage() + "; retry after " + retryMs + " ms")
                    .addDetails(Any.pack(retry)).build());
        }
        if (failure instanceof BudgetAboveCeiling) {
            return Status.OUT_OF_RANGE.withDescription(failure.getMessage()).asRuntimeException();
        }
        if (failure instanceof TierNotAllowed) {
            return Status.PERMISSION_DENIED.withDescription(failure.getMessage()).asRuntimeException();
        }
        return GrpcErrors.toStatus(failure);
    }

    /** The status code a failure is answered with, e.g. for metrics. */
    public static Status.Code codeOf(Throwable failure) {
        return Status.fromThrowable(toStatus(failure)).getCode();
    }
}
