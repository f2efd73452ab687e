package io.elasticmesh.router;

/**
 * Who asks ContinueReasoning to think more. The request's own tenant may; so may a principal with the
 * {@link #COMPLIANCE_ROLE} role, for any tenant: that is the review console's service principal, which continues a
 * request for a reviewer after checking the reviewer's rights on the request's tenant itself.
 *
 * @param tenant the caller's tenant (the authenticated principal's, or the request's tenant field without
 *     authentication)
 * @param compliance whether the authenticated principal has the {@link #COMPLIANCE_ROLE} role
 */
public record Continuer(String tenant, boolean compliance) {

    public static final String COMPLIANCE_ROLE = "compliance";

    /** Whether this caller may continue a request of {@code owner}. */
    public boolean mayContinue(String owner) {
        return compliance || tenant.equals(owner);
    }
}
