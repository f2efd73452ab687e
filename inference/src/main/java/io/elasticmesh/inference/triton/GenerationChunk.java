package io.elasticmesh.inference.triton;

/**
 * One streamed response of a generation.
 *
 * @param textDelta text generated since the previous chunk
 * @param outputTokens tokens generated since the previous chunk, as counted by the backend
 * @param inputTokens prompt tokens when the backend reported them in this chunk, else -1
 * @param finishReason the backend's finish reason: "stop" or "length" on the last chunk, otherwise null
 * @param last true for the final response of the request
 */
public record GenerationChunk(String textDelta, int outputTokens, int inputTokens, String finishReason, boolean last) {}
