package io.elasticmesh.inference.profile;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face chat template rendered with Jinjava, with the variables transformers passes: {@code messages},
 * {@code add_generation_prompt} (always true: the mesh asks the assistant to speak), {@code bos_token} and
 * {@code eos_token}.
 */
public final class ChatTemplate {

    // Jinjava re-renders expression output by default; a message containing "{{ ... }}" must stay text.
    private static final Jinjava JINJAVA = new Jinjava(JinjavaConfig.newBuilder()
            .withNestedInterpretationEnabled(false).withFailOnUnknownTokens(false).build());

    private final String source;
    private final String bosToken;
    private final String eosToken;

    public ChatTemplate(String source, String bosToken, String eosToken) {
        this.source = source;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
    }

    public String render(List<Turn> conversation) {
        Map<String, Object> context = new HashMap<>();
        context.put("messages", conversation.stream()
                .map(t -> Map.of("role", t.role().templateName(), "content", t.content())).toList());
        context.put("add_generation_prompt", true);
        context.put("bos_token", bosToken);
        context.put("eos_token", eosToken);
        RenderResult result = JINJAVA.renderForResult(source, context);
        if (!result.getErrors().isEmpty()) {
            throw new IllegalStateException("chat template failed: " + result.getErrors().get(0).getMessage());
        }
        return result.getOutput();
    }
}
