package io.elasticmesh.conversation.mapping;

import io.elasticmesh.conversation.Turn;
import io.elasticmesh.edge.InvalidArgument;
import io.elasticmesh.edge.Limits;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import java.util.List;
import java.util.stream.IntStream;

/** Conversation proto ↔ domain, shared by every service that passes a conversation on. */
public final class ChatMessages {

    private ChatMessages() {}

    /**
     * @throws InvalidArgument naming the message whose role is unset, whose content is empty although it is not an
     *     assistant turn (common.proto: only an assistant turn may be empty), or a count or length beyond its limit
     *     (each message's, and all of them together)
     */
    public static List<Turn> toTurns(List<ChatMessage> messages) {
        InvalidArgument.requireMaxCount("messages", messages.size(), Limits.MESSAGES);
        long total = messages.stream().mapToLong(m -> m.getContent().length()).sum();
        if (total > Limits.CONVERSATION_CHARS) {
            throw new InvalidArgument(
                    "messages",
                    "must hold at most " + Limits.CONVERSATION_CHARS + " characters of content together, held "
                            + total);
        }
        return IntStream.range(0, messages.size())
                .mapToObj(i -> {
                    ChatMessage m = messages.get(i);
                    InvalidArgument.requireMaxLength(
                            "messages[" + i + "].content", m.getContent(), Limits.CONTENT_CHARS);
                    Turn.Role role = switch (m.getRole()) {
                        case ROLE_SYSTEM -> Turn.Role.SYSTEM;
                        case ROLE_USER -> Turn.Role.USER;
                        case ROLE_ASSISTANT -> Turn.Role.ASSISTANT;
                        default -> throw new InvalidArgument("messages[" + i + "].role", "must be set");
                    };
                    if (m.getContent().isEmpty() && role != Turn.Role.ASSISTANT) {
                        throw new InvalidArgument(
                                "messages[" + i + "].content",
                                "must not be empty (only an assistant " + "turn may be)");
                    }
                    return new Turn(role, m.getContent());
                })
                .toList();
    }

    public static List<ChatMessage> toMessages(List<Turn> turns) {
        return turns.stream()
                .map(t -> ChatMessage.newBuilder()
                        .setRole(
                                switch (t.role()) {
                                    case SYSTEM -> ChatMessage.Role.ROLE_SYSTEM;
                                    case USER -> ChatMessage.Role.ROLE_USER;
                                    case ASSISTANT -> ChatMessage.Role.ROLE_ASSISTANT;
                                })
                        .setContent(t.content())
                        .build())
                .toList();
    }
}
