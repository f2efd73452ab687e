package io.elasticmesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.elasticmesh.proto.reasoning.v1.AppliedBudget;
import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.elasticmesh.proto.reasoning.v1.ContinueReasoningRequest;
import io.elasticmesh.proto.reasoning.v1.ContinueReasoningResponse;
import io.elasticmesh.proto.reasoning.v1.FinishReason;
import io.elasticmesh.proto.reasoning.v1.PhaseTimings;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.elasticmesh.proto.reasoning.v1.StreamReasonRequest;
import io.elasticmesh.proto.reasoning.v1.StreamReasonResponse;
import io.elasticmesh.proto.reasoning.v1.TextDelta;
import io.elasticmesh.proto.reasoning.v1.ThinkingEnd;
import io.elasticmesh.proto.reasoning.v1.TokenUsage;
import io.elasticmesh.proto.reasoning.v1.TruncationReason;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.io.StringWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code ./mesh reason} and {@code ./mesh continue} against an in-process fake of budget-router. */
class ReasonCommandTests {

    /** What the fake router answers; each test sets it. */
    private interface Answer {
        void stream(StreamReasonRequest request, StreamObserver<StreamReasonResponse> events) throws Exception;
    }

    private final AtomicReference<StreamReasonRequest> streamed = new AtomicReference<>();
    private final AtomicReference<ContinueReasoningRequest> continued = new AtomicReference<>();
    private Answer answer;
    private ContinueReasoningResponse continuation;
    private final FakeMesh mesh;

    ReasonCommandTests() throws Exception {
        mesh = new FakeMesh(new BudgetRouterGrpc.BudgetRouterImplBase() {
            @Override
            public void streamReason(StreamReasonRequest request, StreamObserver<StreamReasonResponse> events) {
                streamed.set(request);
                try {
                    answer.stream(request, events);
                } catch (Exception e) {
                    events.onError(Status.INTERNAL.withDescription("fake: " + e).asRuntimeException());
                }
            }

            @Override
            public void continueReasoning(
                    ContinueReasoningRequest request, StreamObserver<ContinueReasoningResponse> reply) {
                continued.set(request);
                reply.onNext(continuation);
                reply.onCompleted();
            }
        });
    }

    @AfterEach
    void stop() throws InterruptedException {
        mesh.close();
    }

    private static StreamReasonResponse thinking(String text) {
        return StreamReasonResponse.newBuilder()
                .setThinkingDelta(TextDelta.newBuilder().setText(text).setTokens(1))
                .build();
    }

    private static StreamReasonResponse answerDelta(String text) {
        return StreamReasonResponse.newBuilder()
                .setSolutionDelta(TextDelta.newBuilder().setText(text).setTokens(1))
                .build();
    }

    private static StreamReasonResponse end(boolean truncated, TruncationReason reason, int tokens, int forced) {
        return StreamReasonResponse.newBuilder()
                .setThinkingEnd(ThinkingEnd.newBuilder()
                        .setTruncated(truncated)
                        .setTruncationReason(reason)
                        .setThinkingTokens(tokens)
                        .setForcedDelimiters(forced))
                .build();
    }

    private static ReasonResponse reply(String id, boolean cut, int thinkingTokens, int t) {
        return ReasonResponse.newBuilder()
                .setRequestId(id)
                .setThinkingText("think1 think2 ")
                .setSolutionText("answer1 answer2 ")
                .setThinkingTruncated(cut)
                .setTruncationReason(
                        cut
                                ? TruncationReason.TRUNCATION_REASON_TOKEN_BUDGET
                                : TruncationReason.TRUNCATION_REASON_UNSPECIFIED)
                .setSolutionFinishReason(FinishReason.FINISH_REASON_STOP)
                .setUsage(TokenUsage.newBuilder()
                        .setPromptTokens(20)
                        .setThinkingTokens(thinkingTokens)
                        .setForcedDelimiters(cut ? 1 : 0)
                        .setSolutionTokens(2))
                .setBudget(AppliedBudget.newBuilder()
                        .setTier("scripted")
                        .setModel("scripted")
                        .setThinkingBudgetTokens(t)
                        .setSolutionBudgetTokens(32))
                .setTimings(PhaseTimings.newBuilder().setTotalMs(12))
                .build();
    }

    private static StreamReasonResponse completed(ReasonResponse reply) {
        return StreamReasonResponse.newBuilder().setCompleted(reply).build();
    }

    @Test
    void theThinkingIsPrintedBeforeTheStreamGoesOnThenTheCutMarkTheAnswerAndTheSummary() throws Exception {
        // The fake sends the rest only once the first thinking delta was printed: the CLI prints as events arrive.
        CountDownLatch printed = new CountDownLatch(1);
        StringWriter watched = new StringWriter() {
            @Override
            public void flush() {
                if (toString().contains("think1")) {
                    printed.countDown();
                }
            }
        };
        answer = (request, events) -> {
            events.onNext(thinking("think1 "));
            if (!printed.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the first thinking delta was not printed while streaming");
            }
            events.onNext(thinking("think2 "));
            events.onNext(end(true, TruncationReason.TRUNCATION_REASON_TOKEN_BUDGET, 2, 1));
            events.onNext(answerDelta("answer1 "));
            events.onNext(answerDelta("answer2 "));
            events.onNext(completed(reply("r-1", true, 2, 2)));
            events.onCompleted();
        };

        FakeMesh.Result result = mesh.run(
                watched,
                "reason",
                "What is 2+2?",
                "--tier",
                "scripted",
                "--thinking-budget",
                "2",
                "--solution-budget",
                "32");

        assertThat(result.status()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("""
                thinking  think1 think2\s
                --- thinking cut by its budget at 2/2 tokens; the mesh closed it ---
                answer    answer1 answer2\s
                request r-1 (tier scripted, model scripted): tokens prompt=20 thinking=2/2 forced_delimiters=1 \
                answer=2/32, 12 ms; held for continuation: ./mesh continue r-1 --extra N
                """);
        ReasonRequest sent = streamed.get().getRequest();
        assertThat(sent.getTier()).isEqualTo("scripted");
        assertThat(sent.getThinkingBudgetTokens()).isEqualTo(2);
        assertThat(sent.getSolutionBudgetTokens()).isEqualTo(32);
        assertThat(sent.getTenant()).as("no key: the local mesh's tenant").isEqualTo("demo");
        assertThat(sent.getMessages(0).getContent()).isEqualTo("What is 2+2?");
        assertThat(mesh.onlyCall().apiKey()).isNull();
    }

    @Test
    void aThinkingTheModelClosedIsMarkedSoAndTheReplyIsNotHeld() {
        answer = (request, events) -> {
            events.onNext(thinking("think1 think2 "));
            events.onNext(end(false, TruncationReason.TRUNCATION_REASON_UNSPECIFIED, 3, 0));
            events.onNext(answerDelta("answer1 answer2 "));
            events.onNext(completed(reply("r-2", false, 3, 64)));
            events.onCompleted();
        };

        FakeMesh.Result result = mesh.run("reason", "q");

        assertThat(result.status()).isZero();
        assertThat(result.out())
                .contains("--- thinking closed by the model after 3 tokens ---\n")
                .contains("thinking=3/64")
                .endsWith("; not held for continuation (thinking was not cut)\n");
        assertThat(streamed.get().getRequest().hasThinkingBudgetTokens()).isFalse();
        assertThat(streamed.get().getRequest().getTier())
                .as("the tenant's default")
                .isEmpty();
    }

    @Test
    void theMarkSaysWhyAndHowFarThinkingWent() {
        assertThat(ReplyPrinter.mark(
                        end(true, TruncationReason.TRUNCATION_REASON_DEADLINE, 37, 1)
                                .getThinkingEnd(),
                        256))
                .isEqualTo("--- thinking cut by the deadline at 37/256 tokens; the mesh " + "closed it ---");
        assertThat(ReplyPrinter.mark(
                        end(true, TruncationReason.TRUNCATION_REASON_CONTEXT_WINDOW, 40, 1)
                                .getThinkingEnd(),
                        null))
                .isEqualTo("--- thinking cut by the context window at 40 tokens; the " + "mesh closed it ---");
        assertThat(ReplyPrinter.mark(
                        end(true, TruncationReason.TRUNCATION_REASON_TOKEN_BUDGET, 64, 1)
                                .getThinkingEnd(),
                        null))
                .as("a budget cut used the whole budget")
                .isEqualTo("--- thinking cut by its budget at 64/64 tokens; the mesh closed it ---");
        assertThat(ReplyPrinter.mark(
                        end(false, TruncationReason.TRUNCATION_REASON_UNSPECIFIED, 9, 1)
                                .getThinkingEnd(),
                        256))
                .isEqualTo("--- thinking ended with the model's turn after 9/256 tokens; " + "the mesh closed it ---");
    }

    @Test
    void aRefusalPrintsItsStatusAndItsRetryInfoOnStderrAndExitsOne() {
        answer = (request, events) ->
                events.onError(StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                        .setCode(Code.RESOURCE_EXHAUSTED_VALUE)
                        .setMessage("tier 'scripted' queue is full; retry after 2500 ms")
                        .addDetails(Any.pack(RetryInfo.newBuilder()
                                .setRetryDelay(
                                        Duration.newBuilder().setSeconds(2).setNanos(500_000_000))
                                .build()))
                        .build()));

        FakeMesh.Result result = mesh.run("reason", "q");

        assertThat(result.status()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo("""
                mesh reason: RESOURCE_EXHAUSTED: tier 'scripted' queue is full; retry after 2500 ms
                mesh reason: retry after 2.5 s
                """);
    }

    @Test
    void aBadRequestNamesEachFieldItRefused() {
        answer = (request, events) ->
                events.onError(StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                        .setCode(Code.OUT_OF_RANGE_VALUE)
                        .setMessage("thinking_budget_tokens 9000 is above the tier's ceiling 512")
                        .addDetails(Any.pack(BadRequest.newBuilder()
                                .addFieldViolations(BadRequest.FieldViolation.newBuilder()
                                        .setField("thinking_budget_tokens")
                                        .setDescription("at most 512, was 9000"))
                                .build()))
                        .build()));

        FakeMesh.Result result = mesh.run("reason", "q", "--thinking-budget", "9000");

        assertThat(result.status()).isEqualTo(1);
        assertThat(result.err())
                .contains("mesh reason: OUT_OF_RANGE: thinking_budget_tokens 9000 is above")
                .contains("mesh reason: field thinking_budget_tokens: at most 512, was 9000");
    }

    @Test
    void aFailureMidStreamEndsThePrintedLineAndExitsOne() {
        answer = (request, events) -> {
            events.onNext(thinking("think1 "));
            events.onError(Status.UNAVAILABLE
                    .withDescription("decoder-service is unavailable")
                    .asRuntimeException());
        };

        FakeMesh.Result result = mesh.run("reason", "q");

        assertThat(result.status()).isEqualTo(1);
        assertThat(result.out()).isEqualTo("thinking  think1 \n");
        assertThat(result.err()).isEqualTo("mesh reason: UNAVAILABLE: decoder-service is unavailable\n");
    }

    @Test
    void everyCallHasTheDeadlineAskedForAndTheKeyGiven() {
        answer = (request, events) -> {
            events.onNext(completed(reply("r-3", false, 3, 64)));
            events.onCompleted();
        };

        FakeMesh.Result result = mesh.run("reason", "q", "--timeout", "7s", "--api-key", "k-1");

        assertThat(result.status()).as(result.err()).isZero();
        FakeMesh.Call call = mesh.onlyCall();
        assertThat(call.apiKey()).isEqualTo("k-1");
        assertThat(call.deadline()).isNotNull();
        assertThat(call.deadline().timeRemaining(TimeUnit.MILLISECONDS)).isBetween(1L, 7_000L);
        assertThat(streamed.get().getRequest().getTenant())
                .as("with a key, the key's tenant")
                .isEmpty();
    }

    @Test
    void withoutATimeoutTheDeadlineIsFiveMinutes() {
        answer = (request, events) -> {
            events.onNext(completed(reply("r-4", false, 3, 64)));
            events.onCompleted();
        };

        assertThat(mesh.run("reason", "q").status()).isZero();

        assertThat(mesh.onlyCall().deadline().timeRemaining(TimeUnit.SECONDS)).isBetween(1L, 300L);
    }

    @Test
    void continuePrintsTheNewReplyAndWhetherItIsHeldAgain() {
        continuation = ContinueReasoningResponse.newBuilder()
                .setContinuedRequestId("r-1")
                .setReply(reply("r-5", true, 2, 2))
                .build();

        FakeMesh.Result result = mesh.run("continue", "r-1", "--extra", "2", "--tenant", "acme");

        assertThat(result.status()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("""
                continues r-1
                thinking  think1 think2\s
                --- thinking cut by its budget at 2/2 tokens; the mesh closed it ---
                answer    answer1 answer2\s
                request r-5 (tier scripted, model scripted): tokens prompt=20 thinking=2/2 forced_delimiters=1 \
                answer=2/32, 12 ms; held for continuation: ./mesh continue r-5 --extra N
                """);
        assertThat(continued.get())
                .isEqualTo(ContinueReasoningRequest.newBuilder()
                        .setRequestId("r-1")
                        .setExtraThinkingTokens(2)
                        .setTenant("acme")
                        .build());
        assertThat(mesh.onlyCall().deadline()).isNotNull();
    }
}
