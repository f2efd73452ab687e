package io.elasticmesh.router.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.elasticmesh.edge.Echo;
import io.elasticmesh.edge.InvalidArgument;
import io.elasticmesh.router.ReasonCommand;
import io.elasticmesh.router.ReasonEvent;
import io.elasticmesh.router.Tenant;
import io.elasticmesh.router.Tier;
import io.elasticmesh.router.TierTable;
import io.elasticmesh.router.config.TierTableStore;
import io.elasticmesh.router.mapping.ChatCompletionStream;
import io.elasticmesh.router.mapping.ChatCompletions;
import io.elasticmesh.router.mapping.ReasonMapper;
import io.elasticmesh.router.service.ReasoningService;
import io.grpc.Context;
import io.grpc.Deadline;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestMulti;

/**
 * The OpenAI-compatible door into the same pipeline as gRPC {@code Reason}: a chat completion is read into a
 * {@code ReasonRequest} and mapped into a command by {@link ReasonMapper}, exactly as the gRPC adapter does, so
 * tiers, admission, quotas, audit and metrics are the same. Errors answer through {@link OpenAiErrorMapper}.
 * <p>
 * Both forms of a chat completion are one streamed body, so a refusal before the first byte still gets its own HTTP
 * status: a unary reply is one JSON item, a stream is server-sent events. A client that closes the connection
 * cancels the stream, and with it the phase calls downstream (and their Triton requests).
 */
@Path("/v1")
public class ChatCompletionsResource {

    /** The caller's deadline in milliseconds from arrival; the tier's deadline caps it, as it caps gRPC's. */
    public static final String DEADLINE_HEADER = "X-Elastic-Deadline-Ms";

    private final ReasoningService reasoning;
    private final TierTableStore tiers;
    private final HttpCallers callers;
    private final ObjectMapper json;

    public ChatCompletionsResource(
            ReasoningService reasoning, TierTableStore tiers, HttpCallers callers, ObjectMapper json) {
        this.reasoning = reasoning;
        this.tiers = tiers;
        this.callers = callers;
        this.json = json;
    }

    @POST
    @Path("/chat/completions")
    @Consumes(MediaType.WILDCARD)
    // No @Produces: OpenAI's SDKs accept application/json, and text/event-stream when streaming (the Java SDK), and
    // both forms are answered by this one method, which names its content type per reply. Items are bytes, written
    // as they are.
    public Multi<Buffer> chatCompletions(
            byte[] body,
            @RestHeader("Authorization") String authorization,
            @RestHeader("x-api-key") String apiKey,
            @RestHeader(DEADLINE_HEADER) String deadlineMs,
            @jakarta.ws.rs.core.Context HttpServerResponse response) {
        HttpCallers.Caller caller = callers.caller(authorization, apiKey);
        Deadline deadline = deadline(deadlineMs);
        ChatCompletions.ChatRequest chat = ChatCompletions.read(parse(body), tiers.current());
        ReasonCommand command = ReasonMapper.toCommand(
                chat.request(), caller.tenant(), caller.principal().isPresent());
        long created = Instant.now().getEpochSecond();
        if (!chat.stream()) {
            Multi<String> reply = reasoning
                    .reason(command, deadline)
                    .map(result -> ChatCompletions.completion(ReasonMapper.toResponse(result), chat.model(), created)
                            .toString())
                    .toMulti();
            return RestMulti.fromMultiData(reply.map(Buffer::buffer))
                    .encodeAsJsonArray(false)
                    .header("Content-Type", MediaType.APPLICATION_JSON)
                    .build();
        }
        ChatCompletionStream stream =
                new ChatCompletionStream("chatcmpl-" + UUID.randomUUID(), chat.model(), created, chat.includeUsage());
        // The phase calls run in this call's gRPC context, as for a gRPC caller: cancelling it when the client closes
        // the connection cancels them, and their Triton requests.
        Context.CancellableContext call = Context.current().withCancellation();
        response.closeHandler(closed -> call.cancel(null));
        Context outer = call.attach();
        Multi<ReasonEvent> source;
        try {
            source = reasoning.stream(command, deadline);
        } finally {
            call.detach(outer);
        }
        Multi<String> events = source.onTermination()
                .invoke(() -> call.cancel(null))
                .map(ReasonMapper::toStreamResponse)
                .onItem()
                .transformToIterable(stream::frames)
                // Before the first frame the status is not sent yet: the refusal gets its own (OpenAiErrorMapper).
                .onFailure(failure -> stream.started())
                .recoverWithMulti(failure -> Multi.createFrom()
                        .iterable(ChatCompletionStream.failed(
                                OpenAiErrorMapper.reply(failure).body())));
        return RestMulti.fromMultiData(events.map(Buffer::buffer))
                .encodeAsJsonArray(false)
                .header("Content-Type", MediaType.SERVER_SENT_EVENTS)
                .header("Cache-Control", "no-cache")
                .build();
    }

    /** Continues a request whose thinking was cut: {@code {"request_id": ..., "extra_thinking_tokens": N}}. */
    @POST
    @Path("/elastic/continuations")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<String> continuation(
            byte[] body,
            @RestHeader("Authorization") String authorization,
            @RestHeader("x-api-key") String apiKey,
            @RestHeader(DEADLINE_HEADER) String deadlineMs) {
        HttpCallers.Caller caller = callers.caller(authorization, apiKey);
        Deadline deadline = deadline(deadlineMs);
        ChatCompletions.Continuation continuation = ChatCompletions.continuation(parse(body));
        long created = Instant.now().getEpochSecond();
        return reasoning
                .continueReasoning(
                        continuation.requestId(), continuation.extraThinkingTokens(), caller.continuer(), deadline)
                .map(result -> {
                    ObjectNode reply = ChatCompletions.completion(
                            ReasonMapper.toResponse(result), result.tier().name(), created);
                    ((ObjectNode) reply.get("elastic")).put("continued_request_id", continuation.requestId());
                    return reply.toString();
                });
    }

    /** The tiers the caller may use, as models. */
    @GET
    @Path("/models")
    @Produces(MediaType.APPLICATION_JSON)
    public String models(@RestHeader("Authorization") String authorization, @RestHeader("x-api-key") String apiKey) {
        HttpCallers.Caller caller = callers.caller(authorization, apiKey);
        TierTable table = tiers.current();
        Optional<Tenant> tenant = table.tenant(caller.tenant());
        Collection<Tier> usable = tenant.isPresent()
                ? table.sortedTiers().stream()
                        .filter(t -> tenant.get().allowedTiers().contains(t.name()))
                        .toList()
                // An authenticated tenant outside the tier file may use no tier (Admission refuses it).
                : caller.principal().isPresent() ? List.of() : table.sortedTiers();
        return ChatCompletions.models(usable).toString();
    }

    private JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidArgument("body", "must be a JSON object, was empty");
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException invalid) {
            throw new InvalidArgument("body", "is not valid JSON: " + Echo.bounded(invalid.getOriginalMessage()));
        } catch (java.io.IOException unreadable) {
            throw new InvalidArgument("body", "could not be read: " + Echo.bounded(unreadable.getMessage()));
        }
    }

    private static Deadline deadline(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        long millis;
        try {
            millis = Long.parseLong(header.trim());
        } catch (NumberFormatException notNumber) {
            throw new InvalidArgument(
                    DEADLINE_HEADER, "must be a whole number of milliseconds, was '" + Echo.bounded(header) + "'");
        }
        if (millis < 1) {
            throw new InvalidArgument(DEADLINE_HEADER, "must be at least 1, was " + millis);
        }
        return Deadline.after(millis, TimeUnit.MILLISECONDS);
    }
}
