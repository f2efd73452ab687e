package io.elasticmesh.router.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.local.quarkus.GrpcCalls;
import io.elasticmesh.proto.reasoning.v1.BudgetRouter;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The HTTP door on its own (downstream services absent): what it refuses before any downstream call, in OpenAI's
 * error object with the HTTP status the gRPC code maps to, and the same message the gRPC door gives.
 */
@QuarkusTest
class ChatCompletionsResourceTests {

    private static final String USER_HI = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";

    @GrpcClient("router")
    BudgetRouter router;

    private static HttpCalls.Reply chat(String fields) {
        return HttpCalls.post("/v1/chat/completions", "{" + fields + "}", Map.of());
    }

    @Test
    void aBudgetAboveTheCeilingIsRefusedWithGrpcsMessage() {
        HttpCalls.Reply http = chat("\"model\":\"economy\"," + USER_HI + ",\"thinking_token_budget\":65");
        Status grpc = GrpcCalls.failureOf(router.reason(ReasonRequest.newBuilder()
                .setTier("economy")
                .setThinkingBudgetTokens(65)
                .addMessages(ChatMessage.newBuilder()
                        .setRole(ChatMessage.Role.ROLE_USER)
                        .setContent("hi"))
                .build()));

        assertThat(http.status()).isEqualTo(400);
        assertThat(http.errorMessage()).isEqualTo(grpc.getDescription());
        assertThat(http.json().path("error").path("code").asText()).isEqualTo("out_of_range");
        assertThat(http.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void theSameRefusalArrivesAsAStatusWhenStreaming() {
        // OpenAI's Java SDK accepts text/event-stream when it streams.
        HttpCalls.Reply http = HttpCalls.post(
                "/v1/chat/completions",
                "{\"model\":\"economy\"," + USER_HI + ",\"stream\":true,\"thinking_token_budget\":65}",
                Map.of("Accept", "text/event-stream"));

        assertThat(http.status()).isEqualTo(400);
        assertThat(http.raw().headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(http.errorMessage()).startsWith("thinking_budget_tokens must be at most 64");
    }

    @Test
    void anUnknownModelIsNotFoundNamingTheKnownTiers() {
        HttpCalls.Reply http = chat("\"model\":\"platinum\"," + USER_HI);

        assertThat(http.status()).isEqualTo(404);
        assertThat(http.errorMessage()).contains("'platinum'").contains("economy");
    }

    @Test
    void aModelOtherThanTheTiersIsNotFound() {
        HttpCalls.Reply http = chat("\"model\":\"economy/gpt-4o\"," + USER_HI);

        assertThat(http.status()).isEqualTo(404);
        assertThat(http.errorMessage()).contains("'economy/gpt-4o'").contains("'economy/smollm2-135m'");
    }

    @Test
    void badJsonAndWrongTypesAreRefusedNamingTheField() {
        HttpCalls.Reply notJson = HttpCalls.post("/v1/chat/completions", "{\"model\":", Map.of());
        HttpCalls.Reply wrongType = chat("\"model\":\"economy\"," + USER_HI + ",\"max_tokens\":\"many\"");
        HttpCalls.Reply unknown = chat("\"model\":\"economy\"," + USER_HI + ",\"tools\":[]");

        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.errorMessage()).startsWith("body is not valid JSON");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.errorMessage()).isEqualTo("max_tokens must be an integer, was string many");
        assertThat(wrongType.json().path("error").path("param").asText()).isEqualTo("max_tokens");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.errorMessage()).startsWith("tools is not a field this endpoint implements");
    }

    @Test
    void aMaximumThatCannotKeepTheAnswersReserveIsRefused() {
        HttpCalls.Reply http = chat("\"model\":\"economy\"," + USER_HI + ",\"max_completion_tokens\":64");

        assertThat(http.status()).isEqualTo(400);
        assertThat(http.errorMessage())
                .isEqualTo("max_completion_tokens (64) must exceed the answer's reserve of 64 tokens (tier "
                        + "'economy') by at least 1 thinking token; raise it or lower solution_token_budget");
    }

    @Test
    void anUnreachableDownstreamIsUnavailable() {
        HttpCalls.Reply http = chat("\"model\":\"economy\"," + USER_HI);
        HttpCalls.Reply streamed = chat("\"model\":\"economy\"," + USER_HI + ",\"stream\":true");

        assertThat(http.status()).isEqualTo(503);
        assertThat(http.json().path("error").path("type").asText()).isEqualTo("service_unavailable_error");
        assertThat(streamed.status()).isEqualTo(503);
    }

    @Test
    void aDeadlineHeaderThatIsNoNumberIsRefusedNamingIt() {
        HttpCalls.Reply http = HttpCalls.post(
                "/v1/chat/completions",
                "{\"model\":\"economy\"," + USER_HI + "}",
                Map.of(ChatCompletionsResource.DEADLINE_HEADER, "soon"));

        assertThat(http.status()).isEqualTo(400);
        assertThat(http.errorMessage())
                .isEqualTo("X-Elastic-Deadline-Ms must be a whole number of milliseconds, " + "was 'soon'");
    }

    @Test
    void modelsListsEveryTierWithoutAuthentication() {
        HttpCalls.Reply http = HttpCalls.get("/v1/models", Map.of());

        assertThat(http.status()).isEqualTo(200);
        assertThat(http.json().path("data").findValuesAsText("id")).containsExactly("economy", "scripted", "standard");
        assertThat(http.json()
                        .path("data")
                        .get(0)
                        .path("elastic")
                        .path("reasoning_effort")
                        .path("medium")
                        .asInt())
                .isEqualTo(64);
    }

    @Test
    void anUnheldRequestIsLookedUpInTheAuditStoreWhoseOutageIs503() {
        // This profile's audit-service address is closed: the router that does not hold the request says so.
        HttpCalls.Reply http = HttpCalls.post(
                "/v1/elastic/continuations", "{\"request_id\":\"nope\",\"extra_thinking_tokens\":8}", Map.of());

        assertThat(http.status()).isEqualTo(503);
        assertThat(http.json().path("error").path("type").asText()).isEqualTo("service_unavailable_error");
        assertThat(http.errorMessage())
                .startsWith("request 'nope' is not held by this router and audit-service, which keeps it, cannot be "
                        + "reached");
    }
}
