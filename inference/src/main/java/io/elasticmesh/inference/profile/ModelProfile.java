package io.elasticmesh.inference.profile;

import java.util.List;

/**
 * How the mesh drives one served model.
 *
 * @param name mesh model name, used by tiers and requests
 * @param tritonModel the Triton model that serves it
 * @param chatTemplate the model's Hugging Face chat template (Jinja)
 * @param thinkingStart delimiter that opens thinking, e.g. {@code <think>}
 * @param thinkingEnd delimiter that closes thinking, e.g. {@code </think>}
 * @param templateOpensThinking true when the template's generation prompt already ends with {@code thinkingStart}
 * @param solutionPrefix text after the delimiter where the solution starts; empty for models trained to think
 *     (the paper appends the delimiter alone)
 * @param temperature sampling temperature for both phases; 0 is greedy
 */
public record ModelProfile(String name, String tritonModel, ChatTemplate chatTemplate, String thinkingStart,
        String thinkingEnd, boolean templateOpensThinking, String solutionPrefix, double temperature) {

    /** The prompt for the thinking phase: the rendered conversation, ending inside an open thinking block. */
    public String thinkingPrompt(List<Turn> conversation) {
        String rendered = chatTemplate.render(conversation);
        return templateOpensThinking ? rendered : rendered + thinkingStart + "\n";
    }

    /** The prompt for the solution phase: prompt, thinking, exactly one end-of-thinking delimiter, prefix. */
    public String solutionPrompt(String thinkingPrompt, String thinking) {
        return thinkingPrompt + thinking + thinkingEnd + solutionPrefix;
    }
}
