package io.elasticmesh.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.elasticmesh.cli.ApiKeys;
import io.elasticmesh.conversation.mapping.ChatMessages;
import io.elasticmesh.inference.profile.ModelProfile;
import io.elasticmesh.inference.profile.ModelProfiles;
import io.elasticmesh.local.ElasticReasoningReference;
import io.elasticmesh.local.LocalMesh;
import io.elasticmesh.proto.audit.v1.AuditServiceGrpc;
import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.elasticmesh.proto.reasoning.v1.StreamReasonRequest;
import io.elasticmesh.proto.reasoning.v1.StreamReasonResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * What the benchmark calls: the mesh through budget-router (gRPC, and its OpenAI-compatible HTTP door), and Triton
 * directly through the minimal Elastic Reasoning client ({@link ElasticReasoningReference}), each on one channel or
 * client as a client application would.
 */
final class Endpoints implements AutoCloseable {

    /** The benchmark's tenant: not in the tier file, so no token quota applies. */
    static final String TENANT = "bench";

    /** One request shape, sent the same way through the mesh and directly. */
    record Call(String tier, ModelProfile profile, String question, int t, int s) {

        ReasonRequest meshRequest() {
            return ReasonRequest.newBuilder()
                    .setTier(tier)
                    .setTenant(TENANT)
                    .addMessages(user())
                    .setThinkingBudgetTokens(t)
                    .setSolutionBudgetTokens(s)
                    .build();
        }

        ChatMessage user() {
            return ChatMessage.newBuilder()
                    .setRole(ChatMessage.Role.ROLE_USER)
                    .setContent(question)
                    .build();
        }

        String thinkingPrompt() {
            return profile.thinkingPrompt(ChatMessages.toTurns(List.of(user())));
        }

        /** The same request as a non-streaming chat completion, the budgets in the router's extension fields. */
        byte[] chatCompletion() {
            try {
                return JSON.writeValueAsBytes(Map.of(
                        "model",
                        tier,
                        "messages",
                        List.of(Map.of("role", "user", "content", question)),
                        "thinking_token_budget",
                        t,
                        "solution_token_budget",
                        s));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** What a reply says, whichever door it came through. */
    record Answer(String thinking, String solution) {

        static Answer of(ReasonResponse reply) {
            return new Answer(reply.getThinkingText(), reply.getSolutionText());
        }
    }

    private static final ModelProfiles PROFILES = ModelProfiles.load(Optional.empty());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MediaType JSON_MEDIA_TYPE = MediaType.get("application/json");
    /** The gRPC calls' deadline, sent to the HTTP door too; the tier's deadline caps both. */
    private static final Duration DEADLINE = Duration.ofMinutes(2);
    /** One client for every scrape: each JDK HttpClient keeps a selector thread until it is collected. */
    private static final HttpClient SCRAPER = HttpClient.newHttpClient();

    final ModelProfile scripted = PROFILES.require("scripted");
    final ModelProfile smollm2 = PROFILES.require("smollm2-135m");
    private final ManagedChannel routerChannel;
    private final ManagedChannel tritonChannel;
    private final ManagedChannel auditChannel;
    final ElasticReasoningReference direct;
    final AuditServiceGrpc.AuditServiceBlockingStub audit;
    private final BudgetRouterGrpc.BudgetRouterBlockingStub router;
    private final HttpUrl chatCompletions;
    /*
     * OkHttp, the client OpenAI's Java SDK talks through, over kept-alive HTTP/1.1 connections (one per caller at the
     * bench's highest concurrency, so none is closed between calls). A synchronous call runs on the caller's thread,
     * where the JDK's HttpClient, used before, hands each exchange between its selector thread and an executor: side
     * by side at 32 in flight, the JDK client cost this JVM 2.0 ms more CPU per request (18.8 against 16.8 ms), on
     * the cores the mesh shares with it.
     */
    private final OkHttpClient http = new OkHttpClient.Builder()
            .protocols(List.of(Protocol.HTTP_1_1))
            .connectionPool(new ConnectionPool(64, 5, TimeUnit.MINUTES))
            .callTimeout(DEADLINE)
            .readTimeout(DEADLINE)
            .build();

    Endpoints(LocalMesh mesh) {
        routerChannel = channel(mesh.routerPort());
        tritonChannel = channel(mesh.tritonPort());
        auditChannel = channel(mesh.auditPort());
        router = BudgetRouterGrpc.newBlockingStub(routerChannel);
        audit = ApiKeys.attach(AuditServiceGrpc.newBlockingStub(auditChannel), mesh.auditApiKey());
        direct = new ElasticReasoningReference(tritonChannel);
        chatCompletions = HttpUrl.get("http://127.0.0.1:" + mesh.httpPort("budget-router") + "/v1/chat/completions");
    }

    static ManagedChannel channel(int port) {
        return ManagedChannelBuilder.forAddress("127.0.0.1", port)
                .usePlaintext()
                .build();
    }

    /** A request to the scripted model following {@code directive} (see triton/models/scripted). */
    Call scripted(String directive, int t, int s) {
        return scripted("scripted", directive, t, s);
    }

    /** As {@link #scripted(String, int, int)}, on another tier of the scripted model. */
    Call scripted(String tier, String directive, int t, int s) {
        return new Call(tier, scripted, "Solve it. [[script " + directive + "]]", t, s);
    }

    Call smollm2(String question, int t, int s) {
        return new Call("economy", smollm2, question, t, s);
    }

    /** A service's Prometheus exposition, as Prometheus scrapes it. */
    static String scrape(URI metrics) throws IOException, InterruptedException {
        return SCRAPER.send(
                        HttpRequest.newBuilder(metrics)
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    ReasonResponse mesh(Call call) {
        return router.withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .reason(call.meshRequest());
    }

    /**
     * The same request through the router's OpenAI-compatible door (POST /v1/chat/completions, not streamed), as the
     * router's default tenant: the mesh authenticates no one, and no quota applies to that tenant either.
     *
     * @throws IllegalStateException when the door answers anything but 200
     */
    Answer http(Call call) {
        Request request = new Request.Builder()
                .url(chatCompletions)
                .header("X-Elastic-Deadline-Ms", Long.toString(DEADLINE.toMillis()))
                .post(RequestBody.create(call.chatCompletion(), JSON_MEDIA_TYPE))
                .build();
        try (Response response = http.newCall(request).execute()) {
            byte[] body = response.body().bytes();
            if (response.code() != 200) {
                throw new IllegalStateException(
                        "HTTP " + response.code() + " from " + chatCompletions + ": " + new String(body));
            }
            JsonNode message = JSON.readTree(body).path("choices").path(0).path("message");
            return new Answer(
                    message.path("reasoning_content").asText(),
                    message.path("content").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One StreamReason call read to its end: when the first thinking delta and the completed event arrived. */
    record Streamed(long firstTokenNanos, long totalNanos) {}

    Streamed meshStreamed(Call call) {
        long start = System.nanoTime();
        long first = -1;
        Iterator<StreamReasonResponse> events = router.withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .streamReason(StreamReasonRequest.newBuilder()
                        .setRequest(call.meshRequest())
                        .build());
        while (events.hasNext()) {
            if (events.next().hasThinkingDelta() && first < 0) {
                first = System.nanoTime() - start;
            }
        }
        return new Streamed(first, System.nanoTime() - start);
    }

    ElasticReasoningReference.Outcome direct(Call call) {
        return direct.run(call.profile(), ChatMessages.toTurns(List.of(call.user())), call.t(), call.s());
    }

    /** One plain Triton call with max_tokens = t + s and no stop: what Elastic Reasoning's split costs against. */
    ElasticReasoningReference.Output single(Call call) {
        return direct.generate(call.profile(), call.thinkingPrompt(), call.t() + call.s(), List.of());
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel c : List.of(routerChannel, tritonChannel, auditChannel)) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
