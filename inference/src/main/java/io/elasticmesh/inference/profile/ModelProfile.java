package io.elasticmesh.inference.profile;

import io.elasticmesh.inference.triton.GenerationRequest;
import io.elasticmesh.inference.triton.TritonContract;
import java.util.List;

/**
 * How the mesh drives one served model.
 *
 * @param name mesh model name, used by tiers and requests
 * @param tritonModel the Triton model that serves it
 * @param contract the I/O contract that Triton model speaks (profile field {@code contract}: {@code vllm} or
 *     {@code tensorrt-llm})
 * @param chatTemplate the model's Hugging Face chat template (Jinja) and its tokenizer's special tokens
 * @param thinkingStart delimiter that opens thinking, e.g. {@code <think>}
 * @param thinkingEnd delimiter that closes thinking, e.g. {@code </think>}
 * @param templateOpensThinking true when the template's generation prompt already ends with {@code thinkingStart}
 *     (DeepSeek-R1-Distill, E1); false when the mesh opens it (Qwen3 in thinking mode, SmolLM2)
 * @param solutionPrefix text after the delimiter where the solution starts; empty for models trained to think
 *     (the paper appends the delimiter alone)
 * @param temperature sampling temperature for both phases; 0 is greedy
 * @param backendAddsBos true when the serving backend tokenizes the prompt with special tokens added, so puts the
 *     tokenizer's BOS in front itself (Triton's vLLM backend with the DeepSeek-R1-Distill tokenizer): the prompt is
 *     then sent without the BOS its template writes, and the model sees exactly one
 */
public record ModelProfile(String name, String tritonModel, TritonContract contract, ChatTemplate chatTemplate,
        String thinkingStart, String thinkingEnd, boolean templateOpensThinking, String solutionPrefix,
        double temperature, boolean backendAddsBos) {

    /** The text of the model's end-of-sequence token, as its tokenizer writes it. */
    public String endOfSequence() {
        return chatTemplate.eosToken();
    }

    /**
     * The prompt for the thinking phase: the rendered conversation, ending inside an open thinking block, without a
     * leading BOS when the backend adds one.
     */
    public String thinkingPrompt(List<Turn> conversation) {
        String rendered = chatTemplate.render(conversation);
        String bos = chatTemplate.bosToken();
        if (backendAddsBos && bos != null && rendered.startsWith(bos)) {
            rendered = rendered.substring(bos.length());
        }
        return templateOpensThinking ? rendered : rendered + thinkingStart + "\n";
    }

    /** The prompt for the solution phase: prompt, thinking, exactly one end-of-thinking delimiter, prefix. */
    public String solutionPrompt(String thinkingPrompt, String thinking) {
        return thinkingPrompt + thinking + thinkingEnd + solutionPrefix;
    }

    /** A generation on this model's Triton model, in its contract, at its temperature. */
    public GenerationRequest generation(String requestId, String prompt, int maxTokens, List<String> stop) {
        return new GenerationRequest(requestId, tritonModel, contract, prompt, maxTokens, stop, temperature);
    }
}
