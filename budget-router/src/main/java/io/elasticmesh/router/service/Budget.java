package io.elasticmesh.router.service;

/** The token budgets applied to one request: thinking {@code t} and solution {@code s}, both at least 1. */
public record Budget(int thinkingTokens, int solutionTokens) {
}
