package io.elasticmesh.router;

import java.util.concurrent.CompletionStage;

/**
 * Tenants' token-rate quotas as admission sees them: checked before a request, charged with the tokens it used
 * after. {@link TokenQuotas} keeps them in this router; {@link LeasedQuotas} shares them with the other replicas.
 */
public interface Quotas {

    /**
     * Completes when the tenant may start a request of {@code tier}; fails with {@link AdmissionRefused}
     * (QUOTA_EXHAUSTED) when its quota is used, or {@link QuotaStoreUnavailable} when the tier fails closed.
     *
     * @param latestNanos the {@link System#nanoTime} by which the request must start to answer within its deadline:
     *     a decision that needs a shared store which has not answered by then is made as if it were unreachable
     */
    CompletionStage<Void> admit(Tenant tenant, Tier tier, long nowNanos, long latestNanos);

    /** Charges what a request used (prompt, thinking and solution tokens, as counted by Triton). */
    void charge(Tenant tenant, long tokens, long nowNanos);

    /** Tokens this router may still admit the tenant with now (negative while in debt). */
    double remaining(Tenant tenant, long nowNanos);
}
