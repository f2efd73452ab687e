package io.elasticmesh.router;

import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import com.google.rpc.RetryInfo;
import io.elasticmesh.edge.DomainException;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A request refused before any work was done, with an estimate of when the same request would be admitted:
 * RESOURCE_EXHAUSTED with the retry-after in the message and as a standard {@code google.rpc.RetryInfo} detail
 * (what tells an admission refusal from grpc-java's own RESOURCE_EXHAUSTED for an oversized request).
 */
public final class AdmissionRefused extends DomainException {

    /** Why; also the {@code reason} label of {@code elastic_refusals_total}. */
    public enum Reason {
        /** The tier's queue is at its queue-limit. */
        QUEUE_FULL,
        /** The expected queue wait plus the least service time would break the request's deadline. */
        DEADLINE_UNREACHABLE,
        /** The tenant used its tokens-per-minute. */
        QUOTA_EXHAUSTED,
        /** The tier's capacity is split among more live router replicas than it has slots; this one has none. */
        NO_SHARE
    }

    private final Reason reason;
    private final long retryAfterNanos;

    public AdmissionRefused(Reason reason, long retryAfterNanos, String message) {
        super(Status.Code.RESOURCE_EXHAUSTED, message);
        this.reason = reason;
        this.retryAfterNanos = retryAfterNanos;
    }

    /**
     * The tenant's bucket holds {@code tokens} (less than 1, negative in debt): QUOTA_EXHAUSTED until the refill at
     * its tokens-per-minute brings it to 1.
     */
    public static AdmissionRefused quotaExhausted(Tenant tenant, double tokens) {
        long retryAfter = (long) Math.ceil((1 - tokens) * 60e9 / tenant.tokensPerMinute());
        return new AdmissionRefused(
                Reason.QUOTA_EXHAUSTED,
                retryAfter,
                "tenant '" + tenant.name() + "' used its quota of " + tenant.tokensPerMinute() + " tokens per minute");
    }

    public Reason reason() {
        return reason;
    }

    public long retryAfterNanos() {
        return retryAfterNanos;
    }

    @Override
    public String description() {
        return getMessage() + "; retry after " + retryMillis(retryAfterNanos) + " ms";
    }

    @Override
    public List<Message> details() {
        long retryMs = retryMillis(retryAfterNanos);
        return List.of(RetryInfo.newBuilder()
                .setRetryDelay(
                        Duration.newBuilder().setSeconds(retryMs / 1000).setNanos((int) (retryMs % 1000) * 1_000_000))
                .build());
    }

    private static long retryMillis(long nanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos));
    }
}
