package io.elasticmesh.cli;

import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.elasticmesh.proto.reasoning.v1.ThinkingEnd;
import io.elasticmesh.proto.reasoning.v1.TruncationReason;
import java.io.PrintWriter;

/**
 * Prints a reply for a person as it arrives: the thinking, a mark where it ended and why, the answer, then a
 * one-line summary. Every piece is flushed at once, so a slow model is watched thinking.
 */
final class ReplyPrinter {

    private final PrintWriter out;
    /** The thinking budget asked for, or null for the tier's (then known only from the summary). */
    private final Integer thinkingBudget;
    /** The label of the part being printed ("thinking  ", "answer    "); null before the first. */
    private String part;

    private boolean midLine;

    ReplyPrinter(PrintWriter out, Integer thinkingBudget) {
        this.out = out;
        this.thinkingBudget = thinkingBudget;
    }

    void thinking(String text) {
        print("thinking  ", text);
    }

    void thinkingEnd(ThinkingEnd end) {
        thinking("");
        endLine();
        out.println(mark(end, thinkingBudget));
        out.flush();
    }

    void answer(String text) {
        print("answer    ", text);
    }

    void completed(ReasonResponse reply) {
        answer("");
        endLine();
        out.println(summary(reply));
        out.flush();
    }

    /** A whole reply (ContinueReasoning's), printed as its stream would have been. */
    void whole(ReasonResponse reply) {
        thinking(reply.getThinkingText());
        thinkingEnd(ThinkingEnd.newBuilder()
                .setTruncated(reply.getThinkingTruncated())
                .setTruncationReason(reply.getTruncationReason())
                .setThinkingTokens(reply.getUsage().getThinkingTokens())
                .setForcedDelimiters(reply.getUsage().getForcedDelimiters())
                .build());
        answer(reply.getSolutionText());
        completed(reply);
    }

    /** Ends a line left open, e.g. before a failure is reported. */
    void endLine() {
        if (midLine) {
            out.println();
            midLine = false;
        }
        out.flush();
    }

    /** {@code text} of a part, after the part's label when it is its first piece. */
    private void print(String label, String text) {
        if (!label.equals(part)) {
            part = label;
            write(label);
        }
        write(text);
    }

    private void write(String text) {
        if (!text.isEmpty()) {
            out.print(text);
            midLine = !text.endsWith("\n");
            out.flush();
        }
    }

    /** Where thinking ended and why, with the tokens it used (of its budget, when known). */
    static String mark(ThinkingEnd end, Integer budget) {
        int tokens = end.getThinkingTokens();
        if (end.getTruncated()) {
            TruncationReason reason = end.getTruncationReason();
            String by = switch (reason) {
                case TRUNCATION_REASON_TOKEN_BUDGET -> "its budget";
                case TRUNCATION_REASON_DEADLINE -> "the deadline";
                case TRUNCATION_REASON_CONTEXT_WINDOW -> "the context window";
                default -> "the mesh";
            };
            // A budget cut spends the whole budget: its tokens are the budget even when the tier chose it.
            Integer of = budget != null
                    ? budget
                    : reason == TruncationReason.TRUNCATION_REASON_TOKEN_BUDGET ? Integer.valueOf(tokens) : null;
            return "--- thinking cut by " + by + " at " + tokens + (of == null ? "" : "/" + of)
                    + " tokens; the mesh closed it ---";
        }
        String used = tokens + (budget == null ? "" : "/" + budget) + " tokens";
        return end.getForcedDelimiters() > 0
                ? "--- thinking ended with the model's turn after " + used + "; the mesh closed it ---"
                : "--- thinking closed by the model after " + used + " ---";
    }

    static String summary(ReasonResponse r) {
        var usage = r.getUsage();
        var budget = r.getBudget();
        String answer = r.getSolutionEmpty() ? " (empty)" : r.getSolutionTruncated() ? " (cut at its budget)" : "";
        String held = r.getThinkingTruncated()
                ? "held for continuation: ./mesh continue " + r.getRequestId() + " --extra N"
                : "not held for continuation (thinking was not cut)";
        return String.format(
                "request %s (tier %s, model %s): tokens prompt=%d thinking=%d/%d forced_delimiters=%d "
                        + "answer=%d/%d%s, %d ms; %s",
                r.getRequestId(),
                budget.getTier(),
                budget.getModel(),
                usage.getPromptTokens(),
                usage.getThinkingTokens(),
                budget.getThinkingBudgetTokens(),
                usage.getForcedDelimiters(),
                usage.getSolutionTokens(),
                budget.getSolutionBudgetTokens(),
                answer,
                r.getTimings().getTotalMs(),
                held);
    }
}
