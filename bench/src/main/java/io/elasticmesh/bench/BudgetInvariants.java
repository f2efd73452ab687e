package io.elasticmesh.bench;

import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * The guarantees of Elastic Reasoning, checked on one mesh reply to the scripted model, whose behaviour (and so
 * whether thinking must be cut) is known in advance.
 */
final class BudgetInvariants {

    static final String THINKING_WITHIN_T = "thinking_tokens <= t";
    static final String SOLUTION_WITHIN_S = "solution_tokens <= s";
    static final String FORCED_AT_MOST_ONE = "forced_delimiters in {0, 1}";
    static final String CUT_IFF_T_REACHED = "cut <=> t reached without a delimiter";
    static final String NO_DELIMITER_IN_TEXT = "no delimiter in thinking or answer";

    private static final String START = "<think>";
    private static final String END = "</think>";

    /**
     * What the scripted model does (triton/models/scripted): {@code think} thinking tokens, then the delimiter as
     * one token ("yes"), two ("split") or never ("no"), then {@code answer} answer tokens, writing {@code <think>}
     * after {@code reopen} of them when {@code reopen >= 0}.
     */
    record Behaviour(int think, String close, int answer, int reopen) {

        String directive() {
            return "think=" + think + " close=" + close + " answer=" + answer + (reopen >= 0 ? " reopen=" + reopen : "")
                    + " delay_ms=0";
        }

        /** Tokens up to and including the model's own delimiter; MAX_VALUE when it never writes one. */
        long naturalThinkingTokens() {
            return switch (close) {
                case "yes" -> think + 1L;
                case "split" -> think + 2L;
                default -> Long.MAX_VALUE;
            };
        }
    }

    private BudgetInvariants() {}

    /** @return the invariants {@code reply} breaks; empty when it keeps them all */
    static List<String> violations(Behaviour behaviour, int t, int s, ReasonResponse reply) {
        List<String> broken = new ArrayList<>();
        var usage = reply.getUsage();
        if (usage.getThinkingTokens() > t) {
            broken.add(THINKING_WITHIN_T);
        }
        if (usage.getSolutionTokens() > s) {
            broken.add(SOLUTION_WITHIN_S);
        }
        if (usage.getForcedDelimiters() > 1) {
            broken.add(FORCED_AT_MOST_ONE);
        }
        boolean mustCut = behaviour.naturalThinkingTokens() > t;
        if (reply.getThinkingTruncated() != mustCut
                || mustCut && (usage.getThinkingTokens() != t || usage.getForcedDelimiters() != 1)) {
            broken.add(CUT_IFF_T_REACHED);
        }
        if (containsDelimiter(reply.getSolutionText())
                || containsDelimiter(reply.getThinkingText())
                || endsInPartialDelimiter(reply.getThinkingText())) {
            broken.add(NO_DELIMITER_IN_TEXT);
        }
        return broken;
    }

    private static boolean containsDelimiter(String text) {
        return text.contains(START) || text.contains(END);
    }

    private static boolean endsInPartialDelimiter(String text) {
        for (int k = 1; k < END.length(); k++) {
            if (text.endsWith(END.substring(0, k))) {
                return true;
            }
        }
        return false;
    }
}
