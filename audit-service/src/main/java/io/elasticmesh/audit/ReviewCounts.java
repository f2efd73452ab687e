package io.elasticmesh.audit;

/** Items matching a queue's filters (all but its state) per state. */
public record ReviewCounts(long unreviewed, long claimed, long reviewed, long escalated) {}
