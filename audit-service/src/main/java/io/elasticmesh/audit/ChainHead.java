package io.elasticmesh.audit;

import java.util.Optional;

/** One tenant's chain as the database holds it: its head and its retention checkpoint. */
public record ChainHead(String tenant, long headPosition, String headHash, long retiredPosition, String retiredHash) {

    /** The hash the database holds at {@code position}, when that is the retention checkpoint or the head. */
    public Optional<String> knownHash(long position) {
        return position == headPosition
                ? Optional.of(headHash)
                : position == retiredPosition ? Optional.of(retiredHash) : Optional.empty();
    }
}
