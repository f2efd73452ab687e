package io.elasticmesh.inference.triton;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds stop strings in streamed text without ever releasing part of one, and removes dropped strings wherever they
 * appear. Text that could still become a stop or dropped string (a suffix that is a proper prefix of one) is held
 * back until later text decides; a dropped string is removed whole and scanning goes on after it; once a stop
 * string is found, it and everything after it are withheld for good.
 */
public final class StopScanner {

    private final List<String> stops;
    private final List<String> dropped;
    private final StringBuilder pending = new StringBuilder();
    private String matched;

    public StopScanner(List<String> stops) {
        this(stops, List.of());
    }

    /** @param dropped strings removed from the released text (e.g. a thinking delimiter re-opened while thinking) */
    public StopScanner(List<String> stops, List<String> dropped) {
        if (Stream.concat(stops.stream(), dropped.stream()).anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException("stop and dropped strings must not be empty");
        }
        this.stops = List.copyOf(stops);
        this.dropped = List.copyOf(dropped);
    }

    /** Feeds the next piece of text; returns the part that can be released now (possibly empty). */
    public String accept(String delta) {
        if (matched != null) {
            return "";
        }
        pending.append(delta);
        while (true) {
            Found stop = earliest(stops);
            Found drop = earliest(dropped);
            if (drop != null && (stop == null || drop.at() < stop.at())) {
                // Removed, then scanned again: the text around it may join into a delimiter.
                pending.delete(drop.at(), drop.at() + drop.text().length());
                continue;
            }
            if (stop != null) {
                matched = stop.text();
                String released = pending.substring(0, stop.at());
                pending.setLength(0);
                return released;
            }
            int keep = longestHeldSuffix();
            String released = pending.substring(0, pending.length() - keep);
            pending.delete(0, pending.length() - keep);
            return released;
        }
    }

    /** The stop string found, if any. */
    public Optional<String> matched() {
        return Optional.ofNullable(matched);
    }

    /** Text still held back because it could have begun a stop or dropped string; empty after a match. */
    public String heldBack() {
        return pending.toString();
    }

    private record Found(int at, String text) {}

    private Found earliest(List<String> candidates) {
        Found earliest = null;
        for (String candidate : candidates) {
            int at = pending.indexOf(candidate);
            if (at >= 0 && (earliest == null || at < earliest.at())) {
                earliest = new Found(at, candidate);
            }
        }
        return earliest;
    }

    private int longestHeldSuffix() {
        String text = pending.toString();
        int longest = 0;
        for (String candidate : (Iterable<String>) Stream.concat(stops.stream(), dropped.stream())::iterator) {
            for (int length = Math.min(candidate.length() - 1, text.length()); length > longest; length--) {
                if (text.regionMatches(text.length() - length, candidate, 0, length)) {
                    longest = length;
                    break;
                }
            }
        }
        return longest;
    }
}
