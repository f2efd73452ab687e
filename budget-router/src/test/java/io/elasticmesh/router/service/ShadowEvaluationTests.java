package io.elasticmesh.router.service;

import static io.elasticmesh.router.service.Orchestration.ask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.elasticmesh.proto.reasoning.v1.FinishReason;
import io.elasticmesh.proto.reasoning.v1.GenerateSolutionResponse;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingRequest;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingResponse;
import io.elasticmesh.proto.reasoning.v1.TruncationReason;
import io.elasticmesh.router.ReasonCommand;
import io.elasticmesh.router.ReasonResult;
import io.micrometer.core.instrument.Counter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shadow evaluation against in-process fakes: the {@code shadowed} tier re-runs every cut request with 256 thinking
 * tokens on its one slot. The decoder thinks its whole budget; the answer is the number of thinking tokens, unless
 * the question says {@code same}, so a question decides whether the two answers agree.
 */
class ShadowEvaluationTests {

    private static final Duration PATIENCE = Duration.ofSeconds(PhaseFakes.PATIENCE_SECONDS);
    private static final int PROMPT_TOKENS = 7;
    private static final int ANSWER_TOKENS = 3;

    @TempDir
    Path dir;

    private Orchestration mesh;
    private final List<String> records = new CopyOnWriteArrayList<>();
    private final Handler recorder = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (String.valueOf(record.getMessage()).startsWith("shadow request_id=")) {
                records.add(record.getMessage());
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void wire() {
        mesh = new Orchestration(dir);
        mesh.decoder.script = call -> thinksItsBudget(call.request);
        mesh.solution.script = call -> {
            String thinking = call.request.getThinkingText();
            String answer = thinking.startsWith("same") ? "\\boxed{7}" : "\\boxed{" + thinking.split(" ").length + "}";
            return GenerateSolutionResponse.newBuilder()
                    .setSolutionText(answer)
                    .setSolutionTokens(ANSWER_TOKENS)
                    .setFinishReason(FinishReason.FINISH_REASON_STOP)
                    .build();
        };
        Logger.getLogger(ShadowEvaluation.class.getName()).addHandler(recorder);
    }

    @AfterEach
    void unwire() {
        Logger.getLogger(ShadowEvaluation.class.getName()).removeHandler(recorder);
        mesh.close();
    }

    @Test
    void aCutAnswerIsAskedAgainWithTheLargerBudgetUnchargedUnauditedAndItsPairIsCounted() {
        ReasonResult result = answered(ask("metered", "shadowed", "why?"));

        await(() -> evaluations("disagree") == 1);
        GenerateThinkingRequest shadow = mesh.decoder.seen.last();
        assertThat(mesh.decoder.seen.requests).hasSize(2);
        assertThat(shadow.getRequestId()).isEqualTo("shadow-" + result.requestId());
        assertThat(shadow.getThinkingBudgetTokens()).isEqualTo(256);
        assertThat(mesh.solution.seen.last().getSolutionBudgetTokens()).isEqualTo(32);
        assertThat(mesh.solution.seen.last().getSampling())
                .isEqualTo(mesh.solution.seen.requests.get(0).getSampling());
        // Only the request is charged (1 token a minute: the bucket's debt is the request's tokens) and audited.
        assertThat(mesh.quotaLeft("metered")).isCloseTo(1.0 - (PROMPT_TOKENS + 64 + ANSWER_TOKENS), within(0.1));
        assertThat(mesh.audited).hasSize(1);
        assertThat(counter("elastic.shadow.generated.tokens", "run", "answer")).isEqualTo(64 + ANSWER_TOKENS);
        assertThat(counter("elastic.shadow.generated.tokens", "run", "shadow")).isEqualTo(256 + ANSWER_TOKENS);
        // EUR 1 per million prompt tokens, 4 per million generated.
        assertThat(counter("elastic.shadow.cost", "run", "shadow"))
                .isCloseTo((PROMPT_TOKENS + 4.0 * (256 + ANSWER_TOKENS)) / 1e6, within(1e-12));
        await(() -> mesh.inFlight("shadowed") == 0);
    }

    @Test
    void anAnswerWhoseThinkingTheModelClosedIsNotShadowed() {
        mesh.decoder.script = call -> thinking(call.request, 5)
                .setClosedByModel(true)
                .setFinishReason(FinishReason.FINISH_REASON_STOP)
                .build();

        answered(ask("acme", "shadowed", "why?"));
        answered(ask("acme", "plain", "why?"));

        assertThat(mesh.decoder.seen.requests).hasSize(2);
        assertThat(mesh.admission.queue().shadowsInFlight()).isZero();
    }

    @Test
    void aRequestTakesTheSlotOfARunningShadowAtOnceAndTheShadowIsCancelledAndCountedAsDropped() throws Exception {
        mesh.decoder.script = call -> call.request.getThinkingBudgetTokens() == 256
                ? call.awaitCancellation()
                : thinksItsBudget(call.request);
        answered(ask("acme", "shadowed", "first"));
        await(() -> mesh.admission.queue().shadowsInFlight() == 1);
        assertThat(mesh.inFlight("shadowed")).isEqualTo(1);

        // The tier's one slot is the shadow's and its queue takes one: were the shadow a request, this would wait.
        ReasonResult second = answered(ask("acme", "shadowed", "second"));

        assertThat(second.solution().text()).isEqualTo("\\boxed{64}");
        assertThat(mesh.decoder.seen.sawCancellation()).isTrue();
        assertThat(counter("elastic.shadow.dropped", "reason", "preempted")).isEqualTo(1);
        assertThat(evaluations("agree") + evaluations("disagree")).isZero();
    }

    @Test
    void theAgreementCountersMatchTheRecordedPairs() {
        List<String> questions = List.of("same 1", "other 2", "same 3", "other 4", "same 5");
        for (String question : questions) {
            answered(ask("acme", "shadowed", question));
            // One at a time: the next request would take the running shadow's slot.
            await(() -> records.size() + (long) counter("elastic.shadow.dropped", "reason", "preempted")
                    == questions.indexOf(question) + 1);
        }

        long agreeing = records.stream().filter(r -> r.contains(" agree=true ")).count();
        long disagreeing =
                records.stream().filter(r -> r.contains(" agree=false ")).count();
        assertThat(records).hasSize(questions.size());
        assertThat(agreeing).isEqualTo(3);
        assertThat(evaluations("agree")).isEqualTo(agreeing);
        assertThat(evaluations("disagree")).isEqualTo(disagreeing);
        long shadowTokens = records.stream()
                .mapToLong(r -> Long.parseLong(r.replaceAll(".* shadow_generated_tokens=(\\d+) .*", "$1")))
                .sum();
        assertThat(counter("elastic.shadow.generated.tokens", "run", "shadow")).isEqualTo(shadowTokens);
    }

    private GenerateThinkingResponse thinksItsBudget(GenerateThinkingRequest request) {
        return thinking(request, request.getThinkingBudgetTokens())
                .setTruncated(true)
                .setTruncationReason(TruncationReason.TRUNCATION_REASON_TOKEN_BUDGET)
                .setFinishReason(FinishReason.FINISH_REASON_LENGTH)
                .build();
    }

    /** {@code tokens} words of thinking, the first the question's first word. */
    private static GenerateThinkingResponse.Builder thinking(GenerateThinkingRequest request, int tokens) {
        String question = request.getMessages(0).getContent();
        String words = question.split(" ")[0] + " w".repeat(tokens - 1);
        return GenerateThinkingResponse.newBuilder()
                .setPromptText("<prompt>" + question + "<think>")
                .setThinkingText(words)
                .setPromptTokens(PROMPT_TOKENS)
                .setThinkingTokens(tokens)
                .setThinkingBudgetTokens(request.getThinkingBudgetTokens());
    }

    private ReasonResult answered(ReasonCommand command) {
        return mesh.service.reason(command, null).await().atMost(PATIENCE);
    }

    private long evaluations(String outcome) {
        return (long) counter("elastic.shadow.evaluations", "outcome", outcome);
    }

    private double counter(String name, String key, String value) {
        Counter counter =
                mesh.registry.find(name).tags("tier", "shadowed", key, value).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Shadows run in the background: waits, bounded, for what they must have done. */
    private static void await(BooleanSupplier done) {
        long until = System.nanoTime() + PATIENCE.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("not done within " + PATIENCE);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
