package io.elasticmesh.inference.profile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.elasticmesh.conversation.Turn;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each shipped profile's template renders every conversation exactly as Hugging Face transformers does: the golden
 * files are Python jinja2's renderings in transformers' environment ({@code triton/tools/render_chat_templates.py}).
 */
class ChatTemplateGoldenTests {

    private static final ModelProfiles PROFILES = ModelProfiles.load(Optional.empty());

    static Stream<Arguments> profilesAndConversations() {
        Map<String, List<Map<String, String>>> conversations = read("conversations.json");
        return PROFILES.names().stream()
                .map(PROFILES::require)
                .flatMap(profile -> conversations.entrySet().stream()
                        .map(c -> Arguments.of(profile.name(), profile.chatTemplate(), c.getKey(), c.getValue())));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("profilesAndConversations")
    void rendersMultiTurnConversationsByteForByteAsTransformers(
            String model, ChatTemplate template, String conversation, List<Map<String, String>> messages) {
        List<Turn> turns = messages.stream()
                .map(m -> new Turn(Turn.Role.valueOf(m.get("role").toUpperCase()), m.get("content")))
                .toList();

        String expected = text("golden/" + template.name() + "." + conversation + ".txt");
        assertThat(template.render(turns)).isEqualTo(expected);
    }

    private static Map<String, List<Map<String, String>>> read(String name) {
        try (InputStream in = resource(name)) {
            return new ObjectMapper()
                    .readValue(in, new TypeReference<LinkedHashMap<String, List<Map<String, String>>>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String text(String name) {
        try (InputStream in = resource(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = ChatTemplateGoldenTests.class.getClassLoader().getResourceAsStream("chat-templates/" + name);
        assertThat(in).as("test resource chat-templates/" + name).isNotNull();
        return in;
    }
}
