package io.elasticmesh.conversation.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elasticmesh.edge.InvalidArgument;
import io.elasticmesh.edge.Limits;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatMessagesTests {

    private static ChatMessage user(String content) {
        return ChatMessage.newBuilder()
                .setRole(ChatMessage.Role.ROLE_USER)
                .setContent(content)
                .build();
    }

    @Test
    void aConversationUpToItsTotalLimitIsAdmittedAndOneCharacterMoreIsRefusedNamingTheTotal() {
        int messages = Limits.CONVERSATION_CHARS / Limits.CONTENT_CHARS;
        int last = Limits.CONVERSATION_CHARS - messages * Limits.CONTENT_CHARS;
        List<ChatMessage> full = new ArrayList<>(Collections.nCopies(messages, user("x".repeat(Limits.CONTENT_CHARS))));
        full.add(user("y".repeat(last)));

        assertThat(ChatMessages.toTurns(full)).hasSize(messages + 1);

        full.add(user("z"));
        assertThatThrownBy(() -> ChatMessages.toTurns(full))
                .isInstanceOf(InvalidArgument.class)
                .hasMessage("messages must hold at most " + Limits.CONVERSATION_CHARS
                        + " characters of content together, held " + (Limits.CONVERSATION_CHARS + 1));
    }

    @Test
    void anEmptyMessageIsRefusedUnlessItIsTheAssistantsTurn() {
        ChatMessage emptyAssistant = ChatMessage.newBuilder()
                .setRole(ChatMessage.Role.ROLE_ASSISTANT)
                .build();

        assertThat(ChatMessages.toTurns(List.of(user("hi"), emptyAssistant, user("again"))))
                .hasSize(3);
        assertThatThrownBy(() -> ChatMessages.toTurns(List.of(user("hi"), user(""))))
                .isInstanceOf(InvalidArgument.class)
                .hasMessageStartingWith("messages[1].content must not be empty");
    }
}
