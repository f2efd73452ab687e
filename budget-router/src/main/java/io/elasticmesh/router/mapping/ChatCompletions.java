package io.elasticmesh.router.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.elasticmesh.edge.DomainException;
import io.elasticmesh.edge.Echo;
import io.elasticmesh.edge.InvalidArgument;
import io.elasticmesh.edge.Limits;
import io.elasticmesh.proto.reasoning.v1.AppliedBudget;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.FinishReason;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.elasticmesh.proto.reasoning.v1.Sampling;
import io.elasticmesh.proto.reasoning.v1.ThinkingEnd;
import io.elasticmesh.proto.reasoning.v1.TokenUsage;
import io.elasticmesh.proto.reasoning.v1.TruncationReason;
import io.elasticmesh.router.Tier;
import io.elasticmesh.router.TierTable;
import io.grpc.Status;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;

/**
 * OpenAI's chat completion JSON ↔ the router's proto contract, so that the HTTP door runs exactly what gRPC
 * {@code Reason} runs (whatever {@link ReasonMapper} reads from a {@code ReasonRequest} applies to both). Reading is
 * strict: a field of the wrong type, or one this endpoint does not implement, is refused naming it, never ignored.
 * <p>
 * Replies carry the reasoning in {@code reasoning_content} (DeepSeek's and SGLang's name) and {@code reasoning}
 * (vLLM's), the answer in {@code content}, and the mesh's account of the budgets in the {@code elastic} object.
 */
public final class ChatCompletions {

    /** Every field read; the others are refused. {@code user} (an end-user id for the provider's abuse checks) is
     * accepted and not used. */
    static final Set<String> FIELDS = new TreeSet<>(Set.of(
            "model",
            "messages",
            "stream",
            "stream_options",
            "max_completion_tokens",
            "max_tokens",
            ChatCompletionBudgets.THINKING,
            ChatCompletionBudgets.SOLUTION,
            ChatCompletionBudgets.EFFORT,
            "clamp_budgets",
            "temperature",
            "top_p",
            "seed",
            "n",
            "user"));

    static final Set<String> CONTINUATION_FIELDS = new TreeSet<>(Set.of("request_id", "extra_thinking_tokens"));

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final long UINT32_MAX = 0xFFFF_FFFFL;

    /**
     * A chat completion request, read.
     *
     * @param model as sent: a tier, or {@code tier/model}
     */
    public record ChatRequest(String model, ReasonRequest request, boolean stream, boolean includeUsage) {}

    private ChatCompletions() {}

    /**
     * @param table the tiers in force: {@code model} names one, and its reserve and efforts split the budgets
     * @throws InvalidArgument naming the field of a malformed request
     * @throws DomainException NOT_FOUND for a model that names no tier, or a model the tier is not served by
     */
    public static ChatRequest read(JsonNode body, TierTable table) {
        onlyFields(body, FIELDS);
        String model = text(body, "model").orElseThrow(() -> new InvalidArgument("model", "must be set"));
        Limits.name("model", model);
        Tier tier = tier(table, model);
        long n = integer(body, "n").orElse(1);
        if (n != 1) {
            throw new InvalidArgument("n", "must be 1 (one choice per request), was " + n);
        }
        ChatCompletionBudgets.Split split = ChatCompletionBudgets.split(
                tier,
                new ChatCompletionBudgets.Requested(
                        integer(body, ChatCompletionBudgets.THINKING),
                        integer(body, ChatCompletionBudgets.SOLUTION),
                        integer(body, ChatCompletionBudgets.MAX_COMPLETION),
                        integer(body, ChatCompletionBudgets.MAX_TOKENS),
                        text(body, ChatCompletionBudgets.EFFORT)));
        ReasonRequest.Builder request = ReasonRequest.newBuilder()
                .setTier(tier.name())
                .setClampBudgets(bool(body, "clamp_budgets").orElse(false));
        split.thinkingTokens()
                .ifPresent(t -> request.setThinkingBudgetTokens(int32(t, ChatCompletionBudgets.THINKING)));
        split.solutionTokens()
                .ifPresent(s -> request.setSolutionBudgetTokens(int32(s, ChatCompletionBudgets.SOLUTION)));
        sampling(body).ifPresent(request::setSampling);
        messages(body, request);
        Optional<JsonNode> options =
                Optional.ofNullable(body.get("stream_options")).filter(o -> !o.isNull());
        if (options.isPresent() && !options.get().isObject()) {
            throw new InvalidArgument("stream_options", "must be an object");
        }
        boolean includeUsage =
                options.isPresent() && bool(options.get(), "include_usage").orElse(false);
        return new ChatRequest(model, request.build(), bool(body, "stream").orElse(false), includeUsage);
    }

    /** A continuation of a cut request: its id and the thinking tokens to add. */
    public record Continuation(String requestId, long extraThinkingTokens) {}

    /** @throws InvalidArgument naming the field of a malformed body */
    public static Continuation continuation(JsonNode body) {
        onlyFields(body, CONTINUATION_FIELDS);
        String requestId = text(body, "request_id").orElseThrow(() -> new InvalidArgument("request_id", "must be set"));
        Limits.name("request_id", requestId);
        long extra = integer(body, "extra_thinking_tokens")
                .orElseThrow(() -> new InvalidArgument("extra_thinking_tokens", "must be set"));
        return new Continuation(requestId, extra);
    }

    private static void onlyFields(JsonNode body, Set<String> fields) {
        if (body == null || !body.isObject()) {
            throw new InvalidArgument("body", "must be a JSON object");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!fields.contains(name)) {
                throw new InvalidArgument(
                        Echo.bounded(name), "is not a field this endpoint implements; it reads " + fields);
            }
        }
    }

    /** {@code tier} or {@code tier/model}; the model, when named, must be the one serving the tier. */
    private static Tier tier(TierTable table, String model) {
        int slash = model.indexOf('/');
        Tier tier = table.require(slash < 0 ? model : model.substring(0, slash));
        if (slash >= 0 && !model.substring(slash + 1).equals(tier.model())) {
            throw new DomainException(
                    Status.Code.NOT_FOUND,
                    "model '" + Echo.bounded(model) + "' does not exist: tier '" + tier.name() + "' is served by '"
                            + tier.model() + "' (name the tier alone, or '" + tier.name() + "/" + tier.model() + "')");
        }
        return tier;
    }

    private static Optional<Sampling> sampling(JsonNode body) {
        Sampling.Builder sampling = Sampling.newBuilder();
        number(body, "temperature").ifPresent(t -> sampling.setTemperature((float) t));
        number(body, "top_p").ifPresent(p -> sampling.setTopP((float) p));
        integer(body, "seed").ifPresent(seed -> {
            if (seed < 0 || seed > UINT32_MAX) {
                throw new InvalidArgument("seed", "must be 0.." + UINT32_MAX + ", was " + seed);
            }
            sampling.setSeed((int) seed);
        });
        return sampling.hasTemperature() || sampling.hasTopP() || sampling.hasSeed()
                ? Optional.of(sampling.build())
                : Optional.empty();
    }

    private static void messages(JsonNode body, ReasonRequest.Builder request) {
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw new InvalidArgument("messages", "must be an array of at least one message");
        }
        InvalidArgument.requireMaxCount("messages", messages.size(), Limits.MESSAGES);
        for (int i = 0; i < messages.size(); i++) {
            String at = "messages[" + i + "]";
            JsonNode message = messages.get(i);
            if (!message.isObject()) {
                throw new InvalidArgument(at, "must be an object with role and content");
            }
            String role = text(message, "role", at + ".role")
                    .orElseThrow(() -> new InvalidArgument(at + ".role", "must be set"));
            request.addMessages(ChatMessage.newBuilder()
                    .setRole(role(role, at + ".role"))
                    .setContent(content(message.get("content"), at + ".content")));
        }
    }

    private static ChatMessage.Role role(String role, String field) {
        return switch (role) {
            // OpenAI's newer name for the instructions a system message gives
            case "system", "developer" -> ChatMessage.Role.ROLE_SYSTEM;
            case "user" -> ChatMessage.Role.ROLE_USER;
            case "assistant" -> ChatMessage.Role.ROLE_ASSISTANT;
            default ->
                throw new InvalidArgument(
                        field, "must be system, developer, user or assistant, was '" + Echo.bounded(role) + "'");
        };
    }

    /** A string, or an array of text parts (joined); absent or null is empty (allowed for an assistant turn). */
    private static String content(JsonNode content, String field) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.textValue();
        }
        if (!content.isArray()) {
            throw new InvalidArgument(field, "must be a string or an array of text parts");
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            String at = field + "[" + i + "]";
            if (!part.isObject()
                    || !"text".equals(part.path("type").asText())
                    || !part.path("text").isTextual()) {
                throw new InvalidArgument(
                        at, "must be a text part {\"type\":\"text\",\"text\":...}; only text is read");
            }
            text.append(part.get("text").textValue());
        }
        return text.toString();
    }

    private static Optional<String> text(JsonNode node, String field) {
        return text(node, field, field);
    }

    private static Optional<String> text(JsonNode node, String field, String named) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new InvalidArgument(named, "must be a string, was " + kind(value));
        }
        return Optional.of(value.textValue());
    }

    private static OptionalLong integer(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return OptionalLong.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new InvalidArgument(field, "must be an integer, was " + kind(value));
        }
        return OptionalLong.of(value.longValue());
    }

    private static java.util.OptionalDouble number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return java.util.OptionalDouble.empty();
        }
        if (!value.isNumber()) {
            throw new InvalidArgument(field, "must be a number, was " + kind(value));
        }
        return java.util.OptionalDouble.of(value.doubleValue());
    }

    private static Optional<Boolean> bool(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw new InvalidArgument(field, "must be true or false, was " + kind(value));
        }
        return Optional.of(value.booleanValue());
    }

    private static int int32(long value, String field) {
        if (value > Integer.MAX_VALUE) {
            throw new InvalidArgument(field, "must be at most " + Integer.MAX_VALUE + ", was " + value);
        }
        return (int) value;
    }

    private static String kind(JsonNode value) {
        String type = value.getNodeType().name().toLowerCase(Locale.ROOT);
        return value.isValueNode() ? type + " " + Echo.bounded(value.asText()) : type;
    }

    // ---- replies

    /**
     * The reply to a unary request.
     *
     * @param model as the request named it
     * @param created Unix seconds
     */
    public static ObjectNode completion(ReasonResponse response, String model, long created) {
        ObjectNode message = JSON.objectNode()
                .put("role", "assistant")
                .put("content", response.getSolutionText())
                .put("reasoning_content", response.getThinkingText())
                .put("reasoning", response.getThinkingText())
                .putNull("refusal");
        ObjectNode choice = JSON.objectNode().put("index", 0);
        choice.set("message", message);
        choice.put("finish_reason", finishReason(response.getSolutionFinishReason()));
        choice.putNull("logprobs");
        ObjectNode reply = head(response.getRequestId(), "chat.completion", model, created);
        reply.putArray("choices").add(choice);
        reply.set("usage", usage(response.getUsage()));
        reply.set("elastic", elastic(response));
        return reply;
    }

    /** A stream chunk whose one choice carries {@code delta} (and, on the last, a finish reason). */
    public static ObjectNode chunk(String id, String model, long created, ObjectNode delta, String finishReason) {
        ObjectNode choice = JSON.objectNode().put("index", 0);
        choice.set("delta", delta);
        choice.put("finish_reason", finishReason);
        choice.putNull("logprobs");
        ObjectNode chunk = head(id, "chat.completion.chunk", model, created);
        chunk.putArray("choices").add(choice);
        return chunk;
    }

    /** A stream chunk without a choice: the end of thinking, or the usage. */
    public static ObjectNode bareChunk(String id, String model, long created) {
        ObjectNode chunk = head(id, "chat.completion.chunk", model, created);
        chunk.putArray("choices");
        return chunk;
    }

    public static ObjectNode thinkingDelta(String text) {
        return JSON.objectNode().put("reasoning_content", text).put("reasoning", text);
    }

    public static ObjectNode contentDelta(String text) {
        return JSON.objectNode().put("content", text);
    }

    /** The stream's {@code elastic} event when thinking ends: was it cut, why, and did the mesh close it. */
    public static ObjectNode thinkingEnd(ThinkingEnd end) {
        return JSON.objectNode()
                .put("event", "thinking_end")
                .put("thinking_truncated", end.getTruncated())
                .put("truncation_reason", truncationReason(end.getTruncationReason()))
                .put("forced_delimiter", end.getForcedDelimiters() > 0)
                .put("thinking_tokens", end.getThinkingTokens());
    }

    /** The {@code elastic} extension: the cut, the budgets applied and the request id (for continuation). */
    public static ObjectNode elastic(ReasonResponse response) {
        AppliedBudget budget = response.getBudget();
        TokenUsage usage = response.getUsage();
        ObjectNode elastic = JSON.objectNode()
                .put("request_id", response.getRequestId())
                .put("tier", budget.getTier())
                .put("model", budget.getModel())
                .put("thinking_truncated", response.getThinkingTruncated())
                .put("truncation_reason", truncationReason(response.getTruncationReason()))
                .put("forced_delimiter", usage.getForcedDelimiters() > 0)
                .put("solution_truncated", response.getSolutionTruncated())
                .put("solution_empty", response.getSolutionEmpty())
                .put("thinking_tokens", usage.getThinkingTokens())
                .put("solution_tokens", usage.getSolutionTokens());
        elastic.putObject("budgets_applied")
                .put(ChatCompletionBudgets.THINKING, budget.getThinkingBudgetTokens())
                .put(ChatCompletionBudgets.SOLUTION, budget.getSolutionBudgetTokens())
                .put("thinking_budget_clamped", budget.getThinkingBudgetClamped())
                .put("solution_budget_clamped", budget.getSolutionBudgetClamped())
                .put("solution_rollover_tokens", budget.getSolutionRolloverTokens())
                .put("deadline_ms", budget.getDeadlineMs())
                .put("config_version", budget.getConfigVersion());
        return elastic;
    }

    /** OpenAI's usage: completion tokens are thinking, the forced delimiter and the answer. */
    public static ObjectNode usage(TokenUsage usage) {
        long completion = (long) usage.getThinkingTokens() + usage.getForcedDelimiters() + usage.getSolutionTokens();
        ObjectNode node = JSON.objectNode()
                .put("prompt_tokens", usage.getPromptTokens())
                .put("completion_tokens", completion)
                .put("total_tokens", usage.getPromptTokens() + completion);
        node.putObject("completion_tokens_details").put("reasoning_tokens", usage.getThinkingTokens());
        return node;
    }

    /** {@code length} when the answer hit s, {@code stop} otherwise. */
    public static String finishReason(FinishReason reason) {
        return reason == FinishReason.FINISH_REASON_LENGTH ? "length" : "stop";
    }

    /** {@code token_budget}, {@code deadline}, {@code context_window}; null when thinking was not cut. */
    static String truncationReason(TruncationReason reason) {
        return reason == TruncationReason.TRUNCATION_REASON_UNSPECIFIED || reason == TruncationReason.UNRECOGNIZED
                ? null
                : reason.name().substring("TRUNCATION_REASON_".length()).toLowerCase(Locale.ROOT);
    }

    /** The tiers a caller may use as OpenAI's model list, each with its budgets under {@code elastic}. */
    public static ObjectNode models(Iterable<Tier> tiers) {
        ObjectNode list = JSON.objectNode().put("object", "list");
        ArrayNode data = list.putArray("data");
        for (Tier tier : tiers) {
            ObjectNode model = data.addObject()
                    .put("id", tier.name())
                    .put("object", "model")
                    // OpenAI's creation time of a model; a tier has none
                    .put("created", 0)
                    .put("owned_by", "elastic-mesh");
            model.putObject("elastic")
                    .put("model", tier.model())
                    .put(ChatCompletionBudgets.THINKING, tier.thinkingBudgetTokens())
                    .put("thinking_token_budget_ceiling", tier.thinkingBudgetCeilingTokens())
                    .put(ChatCompletionBudgets.SOLUTION, tier.solutionBudgetTokens())
                    .put("deadline_ms", tier.deadlineMs())
                    .putObject(ChatCompletionBudgets.EFFORT)
                    .put("low", tier.reasoningEfforts().lowTokens())
                    .put("medium", tier.reasoningEfforts().mediumTokens())
                    .put("high", tier.reasoningEfforts().highTokens());
        }
        return list;
    }

    /** OpenAI's error object; {@code param} names the request field at fault, when one is. */
    public static ObjectNode error(String message, String type, String param, String code) {
        ObjectNode reply = JSON.objectNode();
        reply.putObject("error")
                .put("message", message)
                .put("type", type)
                .put("param", param)
                .put("code", code);
        return reply;
    }

    private static ObjectNode head(String id, String object, String model, long created) {
        return JSON.objectNode()
                .put("id", id)
                .put("object", object)
                .put("created", created)
                .put("model", model);
    }
}
