package io.elasticmesh.audit;

/** Where an item of the review queue stands. */
public enum ReviewState {
    /** No verdict and no live claim. */
    UNREVIEWED,
    /** No verdict yet; a reviewer holds a live claim. */
    CLAIMED,
    /** The newest verdict does not escalate. */
    REVIEWED,
    /** The newest verdict escalates. */
    ESCALATED;

    /** A verdict settles the state whatever claim is live; a later verdict supersedes an earlier one. */
    public static ReviewState of(boolean hasVerdict, boolean newestEscalates, boolean liveClaim) {
        if (hasVerdict) {
            return newestEscalates ? ESCALATED : REVIEWED;
        }
        return liveClaim ? CLAIMED : UNREVIEWED;
    }
}
