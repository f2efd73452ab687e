package io.elasticmesh.router;

/** What a streamed request emits, in this order: thinking deltas, one thinking end, solution deltas, completion. */
public sealed interface ReasonEvent {

    record ThinkingDelta(String text, int tokens) implements ReasonEvent {}

    record ThinkingEnded(ThinkingPhase thinking) implements ReasonEvent {}

    record SolutionDelta(String text, int tokens) implements ReasonEvent {}

    record Completed(ReasonResult result) implements ReasonEvent {}
}
