package io.elasticmesh.inference.triton;

import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

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
 * @param topP nucleus sampling mass in (0, 1]; empty for the whole distribution (1)
 * @param seed random seed (a uint32); empty for a fresh random one
 */
public record GenerationRequest(
        String requestId,
        String tritonModel,
        TritonContract contract,
        String prompt,
        int maxTokens,
        List<String> stop,
        double temperature,
        OptionalDouble topP,
        OptionalLong seed) {

    /** An unseeded generation over the whole distribution at {@code temperature}. */
    public GenerationRequest(
            String requestId,
            String tritonModel,
            TritonContract contract,
            String prompt,
            int maxTokens,
            List<String> stop,
            double temperature) {
        this(
                requestId,
                tritonModel,
                contract,
                prompt,
                maxTokens,
                stop,
                temperature,
                OptionalDouble.empty(),
                OptionalLong.empty());
    }

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
