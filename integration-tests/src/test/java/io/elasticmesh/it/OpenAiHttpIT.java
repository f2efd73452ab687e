package io.elasticmesh.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.elasticmesh.proto.reasoning.v1.FinishReason;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.elasticmesh.proto.reasoning.v1.StreamReasonRequest;
import io.elasticmesh.proto.reasoning.v1.StreamReasonResponse;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The router's OpenAI-compatible HTTP door through the whole mesh, called with OpenAI's own Java SDK (a client no
 * one here wrote): replies, streams, the extension, errors as the SDK's exception types, the same budget semantics
 * as gRPC, and a disconnect that stops generation on Triton.
 */
class OpenAiHttpIT {

    private static OpenAIClient client() {
        return OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + SharedMesh.mesh().httpPort("budget-router") + "/v1")
                // The shared mesh authenticates no one; the SDK insists on a key all the same.
                .apiKey("unused")
                .maxRetries(0)
                .timeout(Duration.ofMinutes(1))
                .build();
    }

    private static ChatCompletionCreateParams.Builder scripted(String directive, Map<String, Object> extra) {
        Map<String, JsonValue> body = new LinkedHashMap<>();
        extra.forEach((name, value) -> body.put(name, JsonValue.from(value)));
        return ChatCompletionCreateParams.builder()
                .model("scripted")
                .addUserMessage("Solve it. [[script " + directive + "]]")
                .additionalBodyProperties(body);
    }

    private static JsonNode extra(Map<String, JsonValue> properties, String name) {
        return properties.get(name).convert(JsonNode.class);
    }

    @Test
    void aReplyCarriesReasoningContentUsageAndTheCut() {
        ChatCompletion reply = client().chat()
                .completions()
                .create(scripted("think=9 close=yes answer=4", Map.of("thinking_token_budget", 5))
                        .build());

        ChatCompletion.Choice choice = reply.choices().get(0);
        assertThat(choice.message().content()).hasValue("answer1 answer2 answer3 answer4 ");
        Map<String, JsonValue> message = choice.message()._additionalProperties();
        assertThat(extra(message, "reasoning_content").asText()).isEqualTo("think1 think2 think3 think4 think5 ");
        assertThat(extra(message, "reasoning").asText()).isEqualTo("think1 think2 think3 think4 think5 ");
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        // Thinking 5, the forced delimiter 1, the answer 5 (4 words and the end of sequence).
        assertThat(reply.usage().orElseThrow().completionTokens()).isEqualTo(11);
        assertThat(reply.usage()
                        .orElseThrow()
                        .completionTokensDetails()
                        .orElseThrow()
                        .reasoningTokens())
                .hasValue(5L);
        JsonNode elastic = extra(reply._additionalProperties(), "elastic");
        assertThat(elastic.path("thinking_truncated").asBoolean()).isTrue();
        assertThat(elastic.path("truncation_reason").asText()).isEqualTo("token_budget");
        assertThat(elastic.path("forced_delimiter").asBoolean()).isTrue();
        assertThat(elastic.path("budgets_applied").path("thinking_token_budget").asInt())
                .isEqualTo(5);
        assertThat(elastic.path("budgets_applied").path("solution_token_budget").asInt())
                .isEqualTo(32);
        assertThat(elastic.path("request_id").asText()).isEqualTo(reply.id());
    }

    @Test
    void aStreamCarriesReasoningThenTheCutThenTheAnswerThenUsage() {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client().chat()
                .completions()
                .createStreaming(scripted("think=9 close=yes answer=4", Map.of("thinking_token_budget", 5))
                        .streamOptions(ChatCompletionStreamOptions.builder()
                                .includeUsage(true)
                                .build())
                        .build())) {
            stream.stream().forEach(chunks::add);
        }

        String reasoning = chunks.stream()
                .flatMap(c -> c.choices().stream())
                .map(c -> c.delta()._additionalProperties().get("reasoning_content"))
                .filter(v -> v != null)
                .map(v -> v.convert(String.class))
                .collect(Collectors.joining());
        String answer = chunks.stream()
                .flatMap(c -> c.choices().stream())
                .map(c -> c.delta().content().orElse(""))
                .collect(Collectors.joining());
        List<JsonNode> events = chunks.stream()
                .map(c -> c._additionalProperties().get("elastic"))
                .filter(v -> v != null)
                .map(v -> v.convert(JsonNode.class))
                .toList();
        assertThat(reasoning).isEqualTo("think1 think2 think3 think4 think5 ");
        assertThat(answer).isEqualTo("answer1 answer2 answer3 answer4 ");
        assertThat(events).extracting(e -> e.path("event").asText()).containsExactly("thinking_end", "completed");
        assertThat(events.get(0).path("thinking_truncated").asBoolean()).isTrue();
        assertThat(events.get(0).path("forced_delimiter").asBoolean()).isTrue();
        assertThat(events.get(1).path("request_id").asText()).isNotBlank();
        assertThat(chunks.get(0).choices().get(0).delta().role()).isPresent();
        Optional<ChatCompletionChunk.Choice.FinishReason> finish = chunks.stream()
                .flatMap(c -> c.choices().stream())
                .flatMap(c -> c.finishReason().stream())
                .findFirst();
        assertThat(finish).hasValue(ChatCompletionChunk.Choice.FinishReason.STOP);
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(11);
        assertThat(last.usage()
                        .orElseThrow()
                        .completionTokensDetails()
                        .orElseThrow()
                        .reasoningTokens())
                .hasValue(5L);
    }

    @Test
    void budgetsMeanTheSameThroughHttpAsThroughGrpc() {
        OpenAIClient client = client();
        String directive = "think=9 close=yes answer=6";
        for (int t : new int[] {1, 4, 9, 12}) {
            for (int s : new int[] {1, 3, 8}) {
                ReasonResponse grpc = SharedMesh.routerStub()
                        .withDeadlineAfter(1, TimeUnit.MINUTES)
                        .reason(SharedMesh.scripted(directive)
                                .setThinkingBudgetTokens(t)
                                .setSolutionBudgetTokens(s)
                                .build());
                ChatCompletion http = client.chat()
                        .completions()
                        .create(scripted(directive, Map.of("thinking_token_budget", t, "solution_token_budget", s))
                                .build());
                assertSame(grpc, http, "t=" + t + " s=" + s);
            }
        }
        // max_completion_tokens keeps the tier's answer reserve (32) and gives thinking the rest.
        for (int max : new int[] {33, 36, 41, 60}) {
            ReasonResponse grpc = SharedMesh.routerStub()
                    .withDeadlineAfter(1, TimeUnit.MINUTES)
                    .reason(SharedMesh.scripted(directive)
                            .setThinkingBudgetTokens(max - 32)
                            .setSolutionBudgetTokens(32)
                            .build());
            ChatCompletion http = client.chat()
                    .completions()
                    .create(scripted(directive, Map.of())
                            .maxCompletionTokens(max)
                            .build());
            assertSame(grpc, http, "max_completion_tokens=" + max);
        }
    }

    private static void assertSame(ReasonResponse grpc, ChatCompletion http, String what) {
        ChatCompletion.Choice choice = http.choices().get(0);
        JsonNode elastic = extra(http._additionalProperties(), "elastic");
        assertThat(extra(choice.message()._additionalProperties(), "reasoning_content")
                        .asText())
                .as(what)
                .isEqualTo(grpc.getThinkingText());
        assertThat(choice.message().content()).as(what).hasValue(grpc.getSolutionText());
        assertThat(http.usage()
                        .orElseThrow()
                        .completionTokensDetails()
                        .orElseThrow()
                        .reasoningTokens())
                .as(what)
                .hasValue((long) grpc.getUsage().getThinkingTokens());
        assertThat(http.usage().orElseThrow().completionTokens())
                .as(what)
                .isEqualTo((long) grpc.getUsage().getThinkingTokens()
                        + grpc.getUsage().getForcedDelimiters()
                        + grpc.getUsage().getSolutionTokens());
        assertThat(http.usage().orElseThrow().promptTokens())
                .as(what)
                .isEqualTo(grpc.getUsage().getPromptTokens());
        assertThat(elastic.path("thinking_truncated").asBoolean()).as(what).isEqualTo(grpc.getThinkingTruncated());
        assertThat(elastic.path("solution_truncated").asBoolean()).as(what).isEqualTo(grpc.getSolutionTruncated());
        assertThat(elastic.path("forced_delimiter").asBoolean())
                .as(what)
                .isEqualTo(grpc.getUsage().getForcedDelimiters() == 1);
        assertThat(elastic.path("budgets_applied").path("thinking_token_budget").asInt())
                .as(what)
                .isEqualTo(grpc.getBudget().getThinkingBudgetTokens());
        assertThat(elastic.path("budgets_applied").path("solution_token_budget").asInt())
                .as(what)
                .isEqualTo(grpc.getBudget().getSolutionBudgetTokens());
        assertThat(choice.finishReason())
                .as(what)
                .isEqualTo(
                        grpc.getSolutionFinishReason() == FinishReason.FINISH_REASON_LENGTH
                                ? ChatCompletion.Choice.FinishReason.LENGTH
                                : ChatCompletion.Choice.FinishReason.STOP);
    }

    @Test
    void refusalsAreTheSdksExceptionsWithGrpcsMessages() {
        OpenAIClient client = client();
        BadRequestException aboveCeiling = catchThrowableOfType(
                BadRequestException.class,
                () -> client.chat()
                        .completions()
                        .create(scripted("think=3", Map.of("thinking_token_budget", 65))
                                .build()));
        StatusRuntimeException grpc = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> SharedMesh.routerStub()
                        .reason(SharedMesh.scripted("think=3")
                                .setThinkingBudgetTokens(65)
                                .build()));
        NotFoundException unknown = catchThrowableOfType(
                NotFoundException.class,
                () -> client.chat()
                        .completions()
                        .create(ChatCompletionCreateParams.builder()
                                .model("platinum")
                                .addUserMessage("hi")
                                .build()));

        assertThat(aboveCeiling.statusCode()).isEqualTo(400);
        assertThat(aboveCeiling.code()).hasValue("out_of_range");
        assertThat(grpc.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
        assertThat(aboveCeiling.getMessage()).contains(grpc.getStatus().getDescription());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.getMessage()).contains("tier 'platinum' does not exist");
    }

    @Test
    void aRefusedAdmissionIsTheSdksRateLimitErrorWithItsRetryHint() throws Exception {
        // The scripted tier's 6 slots (max-concurrent-requests in k8s/base/tiers.yaml) held by slow gRPC streams: a
        // request that cannot wait is refused at once.
        List<Context.CancellableContext> holders = new ArrayList<>();
        long cancelledBefore = StreamingIT.cancellations().count();
        try {
            for (int i = 0; i < 6; i++) {
                Context.CancellableContext call = Context.current().withCancellation();
                holders.add(call);
                Iterator<StreamReasonResponse> events =
                        call.call(() -> BudgetRouterGrpc.newBlockingStub(SharedMesh.router())
                                .withDeadlineAfter(1, TimeUnit.MINUTES)
                                .streamReason(StreamReasonRequest.newBuilder()
                                        .setRequest(SharedMesh.scripted("close=no delay_ms=200")
                                                .setThinkingBudgetTokens(60))
                                        .build()));
                events.next();
            }
            OpenAIClient client = OpenAIOkHttpClient.builder()
                    .baseUrl("http://127.0.0.1:" + SharedMesh.mesh().httpPort("budget-router") + "/v1")
                    .apiKey("unused")
                    .maxRetries(0)
                    .putHeader("X-Elastic-Deadline-Ms", "1")
                    .build();

            RateLimitException refused = catchThrowableOfType(
                    RateLimitException.class,
                    () -> client.chat()
                            .completions()
                            .create(scripted("think=3", Map.of()).build()));

            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.code()).hasValue("resource_exhausted");
            assertThat(refused.headers().values("retry-after-ms"))
                    .singleElement()
                    .satisfies(ms -> assertThat(Long.parseLong(ms)).isPositive());
            assertThat(refused.headers().values("retry-after"))
                    .singleElement()
                    .satisfies(s -> assertThat(Long.parseLong(s)).isPositive());
            assertThat(refused.getMessage()).contains("retry after");
        } finally {
            holders.forEach(h -> h.cancel(null));
            // Their cancellations reach Triton's log before the next test counts its own.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (StreamingIT.cancellations().count() < cancelledBefore + holders.size()
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
        }
    }

    @Test
    void closingTheStreamStopsTheGenerationOnTriton() throws Exception {
        long cancelledBefore = StreamingIT.cancellations().count();
        // 60 tokens at 200 ms each: 12 s of generation unless the disconnect reaches the model.
        StreamResponse<ChatCompletionChunk> stream = client().chat()
                .completions()
                .createStreaming(scripted("close=no delay_ms=200", Map.of("thinking_token_budget", 60))
                        .build());
        Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
        chunks.next();
        chunks.next();

        stream.close();

        StreamingIT.assertTritonCancelledSoon(cancelledBefore);
    }
}
