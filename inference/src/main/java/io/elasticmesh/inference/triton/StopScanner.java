package io.elasticmesh.inference.triton;

import java.util.List;
import java.util.Optional;

/**
 * Finds stop strings in streamed text without ever releasing part of one. Text that could still become a stop
 * string (a suffix that is a proper prefix of one) is held back until later text decides; once a stop string is
 * found, it and everything after it are withheld for good.
 */
public final class StopScanner {

    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private String matched;

    public StopScanner(List<String> stops) {
        if (stops.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("stop strings must not be empty");
        }
        this.stops = List.copyOf(stops);
    }

    /** Feeds the next piece of text; returns the part that can be released now (possibly empty). */
    public String accept(String delta) {
        if (matched != null) {
            return "";
        }
        pending.append(delta);
        int earliest = -1;
        for (String stop : stops) {
            int at = pending.indexOf(stop);
            if (at >= 0 && (earliest < 0 || at < earliest)) {
                earliest = at;
                matched = stop;
            }
        }
        if (earliest >= 0) {
            String released = pending.substring(0, earliest);
            pending.setLength(0);
            return released;
        }
        int keep = longestHeldSuffix();
        String released = pending.substring(0, pending.length() - keep);
        pending.delete(0, pending.length() - keep);
        return released;
    }

    /** The stop string found, if any. */
    public Optional<String> matched() {
        return Optional.ofNullable(matched);
    }

    /** Text still held back because it could have begun a stop string; empty after a match. */
    public String heldBack() {
        return pending.toString();
    }

    private int longestHeldSuffix() {
        String text = pending.toString();
        int longest = 0;
        for (String stop : stops) {
            for (int length = Math.min(stop.length() - 1, text.length()); length > longest; length--) {
                if (text.regionMatches(text.length() - length, stop, 0, length)) {
                    longest = length;
                    break;
                }
            }
        }
        return longest;
    }
}
