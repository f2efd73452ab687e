package io.elasticmesh.inference.profile;

import io.elasticmesh.conversation.Sampling;
import io.elasticmesh.conversation.Turn;
import io.elasticmesh.inference.triton.GenerationRequest;
import io.elasticmesh.inference.triton.TritonContract;
import java.nio.charset.StandardCharsets;
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
 * @param contextWindowTokens the most tokens the served model holds, prompt and generation together (vLLM's
 *     {@code max_model_len}); must match the deployment
 * @param closingTokens tokens of what the mesh appends to close thinking ({@code thinkingEnd + solutionPrefix})
 *     in this model's tokenizer: 1 for a model whose delimiter is one special token
 */
public record ModelProfile(
        String name,
        String tritonModel,
        TritonContract contract,
        ChatTemplate chatTemplate,
        String thinkingStart,
        String thinkingEnd,
        boolean templateOpensThinking,
        String solutionPrefix,
        double temperature,
        boolean backendAddsBos,
        int contextWindowTokens,
        int closingTokens) {

    /** Tokens a tokenizer may add to a text beyond one per UTF-8 byte (a BOS, say). */
    private static final int ADDED_TOKENS = 2;

    /**
     * Whether {@code promptText} might not fit the window with {@code thinkingBudget}, the closing and
     * {@code solutionBudget}, judged without a tokenizer: no token is shorter than one UTF-8 byte, so a prompt of
     * b bytes has at most b + 2 tokens. False means it surely fits; true means it must be counted.
     */
    public boolean mayOverflow(String promptText, int thinkingBudget, int solutionBudget) {
        long bound = (long) promptText.getBytes(StandardCharsets.UTF_8).length + ADDED_TOKENS;
        return bound + thinkingBudget + closingTokens + solutionBudget > contextWindowTokens;
    }

    /**
     * The context-window rule: prompt + t + closing + s must fit the window. When they do, t stands. When they do
     * not and {@code lower} is set, t is lowered to what fits (at least 1); s is never lowered.
     *
     * @param promptTokens the prompt as Triton counted it
     * @throws ContextWindowExceeded naming every number otherwise
     */
    public int fitThinkingBudget(int promptTokens, int thinkingBudget, int solutionBudget, boolean lower) {
        long room = (long) contextWindowTokens - promptTokens - closingTokens - solutionBudget;
        if (thinkingBudget <= room) {
            return thinkingBudget;
        }
        if (lower && room >= 1) {
            return (int) room;
        }
        String sum = "prompt " + promptTokens + " + thinking_budget_tokens " + thinkingBudget + " + closing "
                + closingTokens + " + solution_budget_tokens " + solutionBudget + " = "
                + ((long) promptTokens + thinkingBudget + closingTokens + solutionBudget) + " tokens";
        throw new ContextWindowExceeded(sum + " exceed the context window of model '" + name + "' ("
                + contextWindowTokens + " tokens); "
                + (room >= 1
                        ? "lower thinking_budget_tokens to at most " + room + ", set clamp_budgets to have it "
                                + "lowered, or shorten the conversation"
                        : "shorten the conversation or lower solution_budget_tokens: the prompt leaves no room for "
                                + "thinking"));
    }

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
        return generation(requestId, prompt, maxTokens, stop, Sampling.NONE);
    }

    /** As above, with the request's sampling: its temperature replaces the profile's; top_p and seed pass on. */
    public GenerationRequest generation(
            String requestId, String prompt, int maxTokens, List<String> stop, Sampling sampling) {
        return new GenerationRequest(
                requestId,
                tritonModel,
                contract,
                prompt,
                maxTokens,
                stop,
                sampling.temperature().orElse(temperature),
                sampling.topP(),
                sampling.seed());
    }
}
