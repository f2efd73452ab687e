package io.elasticmesh.auditchain;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Verifies an audit export without the database: each line's hash is recomputed from its previous hash and its
 * payload, each readable column it carries must be what the payload says, and where consecutive links of one chain (kind,
 * tenant) are both exported, the later one's previous hash must be the earlier one's hash. A filtered export leaves
 * gaps between the links it holds; they are reported, not verified.
 */
public final class ExportVerifier {

    /**
     * @param lines lines read
     * @param links lines whose link holds
     * @param gaps ranges of links a chain skips between two exported ones, e.g. "event acme 3..7"
     * @param problem the first line that does not hold; empty when every line does
     */
    public record Report(int lines, int links, List<String> gaps, Optional<String> problem) {

        public boolean intact() {
            return problem.isEmpty();
        }
    }

    private record Last(long position, String hash, int line) {}

    private ExportVerifier() {}

    public static Report verify(List<Map<String, String>> lines) {
        Map<String, Last> chains = new HashMap<>();
        List<String> gaps = new ArrayList<>();
        int n = 0;
        for (Map<String, String> line : lines) {
            n++;
            Optional<String> problem = check(line, n, chains, gaps);
            if (problem.isPresent()) {
                return new Report(lines.size(), n - 1, gaps, Optional.of("line " + n + ": " + problem.get()));
            }
        }
        return new Report(lines.size(), n, gaps, Optional.empty());
    }

    private static Optional<String> check(
            Map<String, String> line, int n, Map<String, Last> chains, List<String> gaps) {
        ExportRow row;
        try {
            row = new ExportRow(
                    ExportRow.Kind.valueOf(field(line, "kind").toUpperCase(java.util.Locale.ROOT)),
                    field(line, "tenant"),
                    Long.parseLong(field(line, "position")),
                    field(line, "prev_hash"),
                    field(line, "hash"),
                    Base64.getDecoder().decode(field(line, "payload_base64")));
        } catch (IllegalArgumentException e) {
            return Optional.of("not an export line: " + e.getMessage());
        }
        if (!LinkHash.of(row.prevHash(), row.payload()).equals(row.hash())) {
            return Optional.of("its hash does not match its previous hash and payload: the line was altered");
        }
        Map<String, String> implied;
        try {
            implied = row.columns();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
        for (Map.Entry<String, String> column : implied.entrySet()) {
            String exported = line.get(column.getKey());
            // A readable column the line lacks (an export written before the column was added) claims nothing.
            if (exported != null && !column.getValue().equals(exported)) {
                return Optional.of(
                        "its column " + column.getKey() + " does not match its payload: the line was altered");
            }
        }
        String chain = row.kind().label() + " " + row.tenant();
        Last last = chains.get(chain);
        long expected = last == null ? 1 : last.position() + 1;
        if (row.position() < expected || row.position() < 1) {
            return Optional.of(chain + " link " + row.position() + " comes after link " + (expected - 1)
                    + ": links must be exported once each, in chain order");
        }
        if (row.position() == expected) {
            String prev = last == null ? LinkHash.GENESIS : last.hash();
            if (!prev.equals(row.prevHash())) {
                return Optional.of("its previous hash is not the hash of " + chain + " link " + (expected - 1)
                        + (last == null ? " (the chain's start)" : " (line " + last.line() + ")")
                        + ": a link was altered");
            }
        } else {
            gaps.add(chain + " " + expected + ".." + (row.position() - 1));
        }
        chains.put(chain, new Last(row.position(), row.hash(), n));
        return Optional.empty();
    }

    private static String field(Map<String, String> line, String name) {
        String value = line.get(name);
        if (value == null) {
            throw new IllegalArgumentException("it has no column " + name);
        }
        return value;
    }
}
