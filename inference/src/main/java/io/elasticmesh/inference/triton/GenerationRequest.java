package io.elasticmesh.inference.triton;

import java.util.List;

/**
 * One generation call on a text model.
 *
 * @param requestId correlates the call in Triton's logs and responses: the mesh request id, a colon, the phase
 * @param tritonModel the Triton model name
 * @param contract the I/O contract that model speaks
 * @param prompt full prompt text; special tokens are written literally
 * @param maxTokens most tokens to generate, at least 1
 * @param stop strings that end generation; the first one generated is kept at the end of the text
 * @param temperature sampling temperature; 0 is greedy
 */
public record GenerationRequest(
        String requestId,
        String tritonModel,
        TritonContract contract,
        String prompt,
        int maxTokens,
        List<String> stop,
        double temperature) {

    public GenerationRequest {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1, was " + maxTokens);
        }
        stop = List.copyOf(stop);
    }

    /** The mesh request id, shared by both phases of one request: what picks its Triton instance. */
    public String affinityKey() {
        int phase = requestId.lastIndexOf(':');
        return phase < 0 ? requestId : requestId.substring(0, phase);
    }
}
