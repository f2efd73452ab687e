package io.elasticmesh.router.service;

/** A request refused before any work was done, with an estimate of when the same request would be admitted. */
public final class AdmissionRefused extends RuntimeException {

    /** Why; also the {@code reason} label of {@code elastic_refusals_total}. */
    public enum Reason {
        /** The tier's queue is at its queue-limit. */
        QUEUE_FULL,
        /** The expected queue wait plus the least service time would break the request's deadline. */
        DEADLINE_UNREACHABLE,
        /** The tenant used its tokens-per-minute. */
        QUOTA_EXHAUSTED
    }

    private final Reason reason;
    private final long retryAfterNanos;

    public AdmissionRefused(Reason reason, long retryAfterNanos, String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.retryAfterNanos = retryAfterNanos;
    }

    public Reason reason() {
        return reason;
    }

    public long retryAfterNanos() {
        return retryAfterNanos;
    }
}
