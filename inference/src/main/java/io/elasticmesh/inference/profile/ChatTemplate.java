package io.elasticmesh.inference.profile;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import io.elasticmesh.conversation.Turn;
import io.elasticmesh.edge.Echo;
import io.elasticmesh.edge.InvalidArgument;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Hugging Face chat template, rendered by Jinjava set up like transformers' jinja2 environment
 * ({@link HuggingFaceJinja}) with the variables {@code apply_chat_template} passes: {@code messages},
 * {@code add_generation_prompt} (always true: the mesh asks the assistant to speak) and the tokenizer's
 * {@code bos_token} and {@code eos_token}.
 *
 * @param name the template's name in the profiles file
 * @param source the Jinja source, exactly as published in the model's {@code tokenizer_config.json}
 * @param bosToken the tokenizer's beginning-of-sequence text; null when the tokenizer has none (Qwen3)
 * @param eosToken the tokenizer's end-of-sequence text, e.g. {@code <｜end▁of▁sentence｜>}
 */
public record ChatTemplate(String name, String source, String bosToken, String eosToken) {

    private static final Jinjava JINJAVA = HuggingFaceJinja.create();
    /** Sources rewritten for Jinjava once, not per request (the rewrite showed up in the decoder's profile). */
    private static final Map<String, String> NORMALIZED = new ConcurrentHashMap<>();

    /**
     * @throws InvalidArgument when the template itself refuses the conversation ({@code raise_exception})
     * @throws IllegalStateException when the template cannot be rendered
     */
    public String render(List<Turn> conversation) {
        Map<String, Object> context = new HashMap<>();
        context.put(
                "messages",
                conversation.stream()
                        .map(t -> Map.of("role", t.role().templateName(), "content", t.content()))
                        .toList());
        context.put("add_generation_prompt", true);
        context.put("bos_token", bosToken);
        context.put("eos_token", eosToken);
        RenderResult result =
                JINJAVA.renderForResult(NORMALIZED.computeIfAbsent(source, HuggingFaceJinja::normalize), context);
        if (!result.getErrors().isEmpty()) {
            TemplateError error = result.getErrors().get(0);
            for (Throwable cause = error.getException(); cause != null; cause = cause.getCause()) {
                if (cause instanceof HuggingFaceJinja.TemplateRaisedException raised) {
                    throw new InvalidArgument(
                            "messages",
                            "are refused by chat template '" + name + "': " + Echo.bounded(raised.getMessage()));
                }
            }
            throw new IllegalStateException("chat template failed: " + error.getMessage());
        }
        return result.getOutput();
    }
}
