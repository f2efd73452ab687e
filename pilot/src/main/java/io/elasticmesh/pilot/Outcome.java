package io.elasticmesh.pilot;

/**
 * What one request of the pilot got: a line of the results file. A failed call keeps its gRPC status code and
 * message and no usage.
 *
 * @param key {@link Task#key()}, unique in the file
 * @param status "OK" or the gRPC status code
 * @param thinkingBudget the thinking budget the router applied (the baseline's is the tier's ceiling)
 * @param solutionBudget the solution budget the router applied
 * @param totalMs the router's own time for the request (PhaseTimings.total_ms)
 * @param deadlineMs the deadline the router applied, ms from arrival
 * @param solution the answer text (never the thinking, which is not kept)
 */
public record Outcome(
        String key,
        String item,
        String tier,
        String point,
        int sample,
        String status,
        String error,
        String model,
        int thinkingBudget,
        int solutionBudget,
        long promptTokens,
        long thinkingTokens,
        long solutionTokens,
        boolean thinkingTruncated,
        boolean solutionTruncated,
        boolean solutionEmpty,
        long totalMs,
        long deadlineMs,
        String solution,
        String requestId) {

    public boolean ok() {
        return "OK".equals(status);
    }

    /** Tokens the model generated, both phases (the mesh's closing delimiter is charged to neither budget). */
    public long generatedTokens() {
        return thinkingTokens + solutionTokens;
    }

    /** The answer ran into s or was empty: its grade says more about the budget than about the model. */
    public boolean budgetLimited() {
        return ok() && (solutionTruncated || solutionEmpty);
    }

    /** Answered within the tier's deadline; a call the deadline ended counts as missed. */
    public boolean metDeadline() {
        return ok() && totalMs <= deadlineMs;
    }
}
