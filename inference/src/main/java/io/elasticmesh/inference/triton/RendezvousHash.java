package io.elasticmesh.inference.triton;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Rendezvous (highest random weight) hashing: every key picks the node with the highest score of (key, node).
 * Callers that see the same nodes pick the same one without talking to each other, and removing a node moves only
 * the keys that were on it. Used so that the decoder and the solution service send both phases of one request to the
 * same Triton instance, whose prefix cache then holds the prompt and the thinking.
 */
public final class RendezvousHash {

    private RendezvousHash() {}

    /** The node {@code key} belongs to; {@code nodes} must not be empty. */
    public static String pick(String key, Collection<String> nodes) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("no nodes to pick from");
        }
        String best = null;
        long bestScore = 0;
        for (String node : nodes) {
            long score = score(key, node);
            if (best == null
                    || Long.compareUnsigned(score, bestScore) > 0
                    || score == bestScore && node.compareTo(best) < 0) {
                best = node;
                bestScore = score;
            }
        }
        return best;
    }

    /** FNV-1a over key, a separator and node, then a 64-bit finaliser so close inputs score far apart. */
    private static long score(String key, String node) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (key + '\u0000' + node).getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }
}
