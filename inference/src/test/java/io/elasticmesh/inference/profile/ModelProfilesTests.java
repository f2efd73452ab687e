package io.elasticmesh.inference.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elasticmesh.conversation.Turn;
import io.elasticmesh.conversation.Turn.Role;
import io.elasticmesh.edge.InvalidArgument;
import io.elasticmesh.inference.triton.TensorRtLlmContract;
import io.elasticmesh.inference.triton.VllmContract;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ModelProfilesTests {

    private final ModelProfile smollm2 =
            ModelProfiles.load(Optional.empty()).find("smollm2-135m").orElseThrow();

    @Test
    void smollm2TemplateAddsItsDefaultSystemPromptAndOpensThinking() {
        String prompt = smollm2.thinkingPrompt(List.of(new Turn(Role.USER, "What is 2+2?")));

        assertThat(prompt).isEqualTo("""
                <|im_start|>system
                You are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>
                <|im_start|>user
                What is 2+2?<|im_end|>
                <|im_start|>assistant
                <think>
                """);
    }

    @Test
    void multiTurnConversationKeepsOrderAndOwnSystemPrompt() {
        String prompt = smollm2.thinkingPrompt(List.of(
                new Turn(Role.SYSTEM, "Be brief."),
                new Turn(Role.USER, "Hi"),
                new Turn(Role.ASSISTANT, "Hello!"),
                new Turn(Role.USER, "Name a prime.")));

        assertThat(prompt).isEqualTo("""
                <|im_start|>system
                Be brief.<|im_end|>
                <|im_start|>user
                Hi<|im_end|>
                <|im_start|>assistant
                Hello!<|im_end|>
                <|im_start|>user
                Name a prime.<|im_end|>
                <|im_start|>assistant
                <think>
                """);
    }

    @Test
    void solutionPromptClosesThinkingWithExactlyOneDelimiterThenTheProfilesPrefix() {
        assertThat(smollm2.solutionPrompt("P<think>\n", "some thought")).isEqualTo("P<think>\nsome thought</think>\n");
        ModelProfile scripted =
                ModelProfiles.load(Optional.empty()).find("scripted").orElseThrow();
        assertThat(scripted.solutionPrompt("P<think>\n", "t1 ")).isEqualTo("P<think>\nt1 </think>");
    }

    @Test
    void templateMarkupInMessagesIsNotEvaluated() {
        String prompt = smollm2.thinkingPrompt(List.of(new Turn(Role.USER, "{{ 7 * 6 }} {% if true %}x{% endif %}")));

        assertThat(prompt).contains("{{ 7 * 6 }} {% if true %}x{% endif %}");
    }

    @Test
    void templateRaisingAnExceptionFailsWithTheTemplatesMessage() {
        ChatTemplate strict = new ChatTemplate(
                "strict",
                "{% if messages[0]['role'] != 'user' %}{{ raise_exception('Conversation must start with a user') }}"
                        + "{% endif %}ok",
                null,
                "</s>");

        assertThat(strict.render(List.of(new Turn(Role.USER, "hi")))).isEqualTo("ok");
        assertThatThrownBy(() -> strict.render(List.of(new Turn(Role.ASSISTANT, "hi"))))
                .isInstanceOf(InvalidArgument.class)
                .hasMessage("messages are refused by chat template 'strict': Conversation must start with a user");
    }

    @Test
    void profilesNameTheirContractEndOfSequenceAndWhoOpensThinking() {
        ModelProfiles profiles = ModelProfiles.load(Optional.empty());

        assertThat(profiles.require("deepseek-r1-distill").endOfSequence()).isEqualTo("<｜end▁of▁sentence｜>");
        assertThat(profiles.require("deepseek-r1-distill").thinkingPrompt(List.of(new Turn(Role.USER, "2+2?"))))
                .as("without the BOS vLLM adds")
                .isEqualTo("<｜User｜>2+2?<｜Assistant｜><think>\n");
        assertThat(profiles.require("qwen3-8b-thinking").thinkingPrompt(List.of(new Turn(Role.USER, "2+2?"))))
                .isEqualTo("<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n<think>\n");
        assertThat(profiles.require("scripted-trtllm").contract()).isEqualTo(TensorRtLlmContract.INSTANCE);
        assertThat(profiles.require("scripted").contract()).isEqualTo(VllmContract.INSTANCE);
    }

    static Stream<String> shippedProfiles() {
        return ModelProfiles.load(Optional.empty()).names().stream();
    }

    /**
     * What the model sees is the prompt after the backend's own BOS, if it adds one: the BOS must appear once when
     * the template or the backend puts it there, never twice (a doubled BOS is out of distribution).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("shippedProfiles")
    void theModelSeesItsBosOnceNeverTwice(String name) {
        ModelProfile profile = ModelProfiles.load(Optional.empty()).require(name);
        List<Turn> conversation = List.of(new Turn(Role.SYSTEM, "Be brief."), new Turn(Role.USER, "2+2?"));
        String bos = profile.chatTemplate().bosToken();
        String prompt = profile.thinkingPrompt(conversation);
        if (bos == null) {
            assertThat(profile.backendAddsBos())
                    .as("a backend can only add a BOS the tokenizer has")
                    .isFalse();
            return;
        }
        boolean templateWritesBos = profile.chatTemplate().render(conversation).startsWith(bos);
        String seen = (profile.backendAddsBos() ? bos : "") + prompt;

        assertThat(seen).doesNotStartWith(bos + bos);
        assertThat(seen.startsWith(bos)).isEqualTo(templateWritesBos || profile.backendAddsBos());
    }

    @Test
    void backendsThatAddBosAreNamedInTheirProfiles() {
        ModelProfiles profiles = ModelProfiles.load(Optional.empty());

        assertThat(profiles.names().stream().filter(n -> profiles.require(n).backendAddsBos()))
                .containsExactlyInAnyOrder("deepseek-r1-distill", "e1-math-1.5b", "deepscaler-1.5b-preview");
        assertThat(profiles.require("e1-math-1.5b").thinkingPrompt(List.of(new Turn(Role.USER, "2+2?"))))
                .startsWith("<｜User｜>");
    }

    @Test
    void backendAddingBosNeedsTheTemplatesBosToken() {
        String yaml = """
                templates:
                  t:
                    source: "x"
                models:
                  m:
                    tritonModel: t
                    template: t
                    thinkingStart: "<think>"
                    thinkingEnd: "</think>"
                    templateOpensThinking: false
                    temperature: 0
                    backendAddsBos: true
                """;

        assertThatThrownBy(() -> parse(yaml))
                .hasMessage("test.yaml: model 'm': backendAddsBos needs the bosToken of template 't'");
    }

    @Test
    void unknownContractIsRejectedNamingTheKnownOnes() {
        String yaml = """
                templates:
                  t:
                    source: "x"
                models:
                  m:
                    tritonModel: t
                    contract: grpc-magic
                    template: t
                    thinkingStart: "<think>"
                    thinkingEnd: "</think>"
                    templateOpensThinking: false
                    temperature: 0
                """;

        assertThatThrownBy(() -> parse(yaml))
                .hasMessageContaining("test.yaml: model 'm'")
                .hasMessageContaining("'grpc-magic'")
                .hasMessageContaining("vllm, tensorrt-llm");
    }

    private static ModelProfiles parse(String yaml) throws java.io.IOException {
        return ModelProfiles.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml");
    }

    @Test
    void brokenTemplateIsRejectedAtLoadNamingTheModel() {
        String yaml = """
                templates:
                  broken:
                    source: "{% for m in messages %}{{ m.content }}"
                models:
                  m:
                    tritonModel: t
                    template: broken
                    thinkingStart: "<think>"
                    thinkingEnd: "</think>"
                    templateOpensThinking: false
                    temperature: 0
                """;

        assertThatThrownBy(() -> parse(yaml)).hasMessageStartingWith("test.yaml: model 'm': chat template failed");
    }

    @Test
    void unknownTemplateReferenceIsRejectedWithItsName() {
        String yaml = """
                templates: {}
                models:
                  m:
                    tritonModel: t
                    template: missing
                    thinkingStart: "<think>"
                    thinkingEnd: "</think>"
                    templateOpensThinking: false
                    temperature: 0
                """;

        assertThatThrownBy(() -> parse(yaml)).hasMessageContaining("test.yaml").hasMessageContaining("'missing'");
    }
}
