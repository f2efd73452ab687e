package io.elasticmesh.router.mapping;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.elasticmesh.proto.reasoning.v1.StreamReasonResponse;
import java.util.List;

/**
 * One streamed chat completion as server-sent events, from the gRPC stream's events: thinking deltas as
 * {@code delta.reasoning_content} (and {@code reasoning}), the end of thinking as a chunk without a choice whose
 * {@code elastic} object says whether it was cut, answer deltas as {@code delta.content}, then the finish reason with
 * the whole {@code elastic} extension, the usage when {@code stream_options.include_usage} asked for it, and
 * {@code data: [DONE]}. Not thread-safe: one per request, fed in order.
 */
public final class ChatCompletionStream {

    public static final String DONE = frame("[DONE]");

    private final String id;
    private final String model;
    private final long created;
    private final boolean includeUsage;
    private boolean roleSent;
    private boolean started;

    /**
     * @param id the chunks' id (the mesh's request id is known only at the end; it is in the last chunk's
     *     {@code elastic.request_id})
     */
    public ChatCompletionStream(String id, String model, long created, boolean includeUsage) {
        this.id = id;
        this.model = model;
        this.created = created;
        this.includeUsage = includeUsage;
    }

    /** The frames an event becomes; the last event's end with {@link #DONE}. */
    public List<String> frames(StreamReasonResponse event) {
        started = true;
        return switch (event.getEventCase()) {
            case THINKING_DELTA ->
                List.of(delta(
                        ChatCompletions.thinkingDelta(event.getThinkingDelta().getText())));
            case SOLUTION_DELTA ->
                List.of(delta(
                        ChatCompletions.contentDelta(event.getSolutionDelta().getText())));
            case THINKING_END -> {
                ObjectNode chunk = ChatCompletions.bareChunk(id, model, created);
                chunk.set("elastic", ChatCompletions.thinkingEnd(event.getThinkingEnd()));
                yield List.of(frame(chunk.toString()));
            }
            case COMPLETED -> completed(event.getCompleted());
            case EVENT_NOT_SET -> List.of();
        };
    }

    /** Whether a frame was produced: from then on the response's status is sent, and a failure is a frame. */
    public boolean started() {
        return started;
    }

    /** A failure after the stream started: OpenAI's error object as an event, then the end. */
    public static List<String> failed(ObjectNode error) {
        return List.of(frame(error.toString()), DONE);
    }

    private List<String> completed(ReasonResponse response) {
        ObjectNode last = ChatCompletions.chunk(
                id,
                model,
                created,
                roleOnce(ChatCompletions.contentDelta("")),
                ChatCompletions.finishReason(response.getSolutionFinishReason()));
        ObjectNode elastic = ChatCompletions.elastic(response);
        elastic.put("event", "completed");
        last.set("elastic", elastic);
        if (!includeUsage) {
            return List.of(frame(last.toString()), DONE);
        }
        ObjectNode usage = ChatCompletions.bareChunk(id, model, created);
        usage.set("usage", ChatCompletions.usage(response.getUsage()));
        return List.of(frame(last.toString()), frame(usage.toString()), DONE);
    }

    private String delta(ObjectNode delta) {
        return frame(
                ChatCompletions.chunk(id, model, created, roleOnce(delta), null).toString());
    }

    /** OpenAI's first delta names the role. */
    private ObjectNode roleOnce(ObjectNode delta) {
        if (!roleSent) {
            roleSent = true;
            ObjectNode withRole = delta.objectNode().put("role", "assistant");
            withRole.setAll(delta);
            return withRole;
        }
        return delta;
    }

    private static String frame(String data) {
        return "data: " + data + "\n\n";
    }
}
