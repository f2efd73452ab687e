package io.elasticmesh.inference.quarkus;

import static io.elasticmesh.telemetry.TraceAttributes.ELASTIC_PHASE;
import static io.elasticmesh.telemetry.TraceAttributes.ELASTIC_TIME_LIMIT_MS;
import static io.elasticmesh.telemetry.TraceAttributes.GEN_AI_OPERATION_NAME;
import static io.elasticmesh.telemetry.TraceAttributes.GEN_AI_PROVIDER_NAME;
import static io.elasticmesh.telemetry.TraceAttributes.GEN_AI_REQUEST_MAX_TOKENS;
import static io.elasticmesh.telemetry.TraceAttributes.GEN_AI_REQUEST_MODEL;
import static io.elasticmesh.telemetry.TraceAttributes.GEN_AI_REQUEST_STOP_SEQUENCES;
import static io.elasticmesh.telemetry.TraceAttributes.GEN_AI_RESPONSE_FINISH_REASONS;
import static io.elasticmesh.telemetry.TraceAttributes.GEN_AI_USAGE_INPUT_TOKENS;
import static io.elasticmesh.telemetry.TraceAttributes.GEN_AI_USAGE_OUTPUT_TOKENS;
import static io.elasticmesh.telemetry.TraceAttributes.PROVIDER;
import static io.elasticmesh.telemetry.TraceAttributes.TEXT_COMPLETION;

import io.elasticmesh.conversation.Phase;
import io.elasticmesh.conversation.PhaseEvent;
import io.elasticmesh.edge.ErrorPolicy;
import io.elasticmesh.inference.triton.Generation;
import io.elasticmesh.inference.triton.GenerationChunk;
import io.elasticmesh.inference.triton.GenerationRequest;
import io.elasticmesh.inference.triton.ScannedGeneration;
import io.elasticmesh.inference.triton.TimeLimit;
import io.elasticmesh.inference.triton.TritonGenerator;
import io.elasticmesh.inference.triton.TritonInstances;
import io.elasticmesh.inference.triton.TritonModelException;
import io.elasticmesh.proto.inference.MutinyGRPCInferenceServiceGrpc.MutinyGRPCInferenceServiceStub;
import io.elasticmesh.telemetry.StreamSpan;
import io.elasticmesh.telemetry.TraceAttributes;
import io.grpc.Deadline;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;

/**
 * The one outbound dependency of the decoder and solution services: Triton, over its gRPC protocol
 * ({@code quarkus.grpc.clients.triton.*}, or one of {@code mesh.inference.triton-instances} chosen by the request
 * id, so both phases of a request meet the same prefix cache). Generation is not retried: a retried generation
 * would be charged twice and could differ; a failed call fails the phase with Triton's status.
 * <p>
 * Each call is a {@code text_completion} span (GenAI conventions) lasting as long as the stream, and is measured:
 * {@code elastic_triton_call_duration_seconds{model,phase}}, {@code elastic_triton_errors_total{model,code}} and
 * the tokens of each phase, {@code gen_ai_client_token_usage{gen_ai_token_type=input|output,elastic_phase,…}}.
 */
@ApplicationScoped
public class TritonClient {

    private final TritonGenerator generator;
    private final TritonInstances instances;
    private final Tracer tracer;
    private final MeterRegistry registry;

    public TritonClient(
            @GrpcClient("triton") MutinyGRPCInferenceServiceStub stub,
            InferenceConfig config,
            Tracer tracer,
            MeterRegistry registry) {
        this.generator = new TritonGenerator(stub);
        this.instances = config.tritonInstances()
                .map(targets -> new TritonInstances(
                        targets, config.tritonInstancesRefresh().toNanos()))
                .orElse(null);
        this.tracer = tracer;
        this.registry = registry;
    }

    @PreDestroy
    void close() {
        if (instances != null) {
            instances.close();
        }
    }

    /**
     * Streams one generation within {@code deadline} as deltas free of {@code request.stop()} strings, then its end;
     * fails with Triton's gRPC status or a {@code TritonModelException}. Cancelling the stream cancels the call.
     *
     * @param dropped strings removed from the released text wherever they appear (their tokens still count)
     * @param timeLimit when not null, the generation is cut when it comes due (the call is cancelled, so Triton
     *     stops) and ends as far as it got, with {@link Generation.Finish#TIME_LIMIT}
     */
    public Multi<PhaseEvent<ScannedGeneration>> generate(
            Phase phase, GenerationRequest request, Deadline deadline, List<String> dropped, TimeLimit timeLimit) {
        var span = tracer.spanBuilder(TEXT_COMPLETION + " " + request.tritonModel())
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(GEN_AI_OPERATION_NAME, TEXT_COMPLETION)
                .setAttribute(GEN_AI_PROVIDER_NAME, PROVIDER)
                .setAttribute(GEN_AI_REQUEST_MODEL, request.tritonModel())
                .setAttribute(GEN_AI_REQUEST_MAX_TOKENS, (long) request.maxTokens())
                .setAllAttributes(TraceAttributes.sampling(
                        OptionalDouble.of(request.temperature()), request.topP(), request.seed()))
                .setAttribute(GEN_AI_REQUEST_STOP_SEQUENCES, request.stop())
                .setAttribute(ELASTIC_PHASE, phase.label());
        long now = System.nanoTime();
        long firstLimit = timeLimit == null ? Long.MAX_VALUE : timeLimit.stopAtNanos(now, now, 0, now);
        if (firstLimit != Long.MAX_VALUE) {
            // The limit as it stands before any token; a moving limit may change later.
            span.setAttribute(ELASTIC_TIME_LIMIT_MS, TimeUnit.NANOSECONDS.toMillis(firstLimit - now));
        }
        return StreamSpan.around(span, started -> {
            Timer.Sample call = Timer.start(registry);
            TritonGenerator target = instances == null ? generator : instances.forKey(request.affinityKey());
            return ScannedGeneration.scan(target.stream(request, deadline), request.stop(), dropped, timeLimit)
                    .invoke(event -> {
                        if (event instanceof PhaseEvent.Done<ScannedGeneration> done) {
                            ended(
                                    started,
                                    phase,
                                    request.tritonModel(),
                                    done.result().generation());
                        }
                    })
                    .onTermination()
                    .invoke((failure, cancelled) -> {
                        call.stop(Timer.builder("elastic.triton.call.duration")
                                .description("Triton generation calls, from the call to the stream's end")
                                .tags("model", request.tritonModel(), "phase", phase.label())
                                .publishPercentileHistogram()
                                .register(registry));
                        if (failure != null) {
                            registry.counter(
                                            "elastic.triton.errors",
                                            "model",
                                            request.tritonModel(),
                                            "code",
                                            ErrorPolicy.codeOf(failure).name())
                                    .increment();
                        }
                    });
        });
    }

    /**
     * The prompt's length in tokens, as the backend counts it: a one-token generation of {@code request}'s prompt,
     * cancelled at its first response (which carries {@code num_input_tokens}). It costs the backend one prefill,
     * which its prefix cache then saves the real call. Fails as {@link #generate} does, e.g. with the backend's own
     * refusal of a prompt longer than its context window.
     */
    public Uni<Integer> countPromptTokens(GenerationRequest request, Deadline deadline) {
        TritonGenerator target = instances == null ? generator : instances.forKey(request.affinityKey());
        return StreamSpan.around(
                        tracer.spanBuilder("count_tokens " + request.tritonModel())
                                .setSpanKind(SpanKind.CLIENT)
                                .setAttribute(GEN_AI_REQUEST_MODEL, request.tritonModel()),
                        span -> target.stream(request, deadline)
                                .select()
                                .where(chunk -> chunk.inputTokens() >= 0)
                                .select()
                                .first()
                                .invoke(chunk ->
                                        span.setAttribute(GEN_AI_USAGE_INPUT_TOKENS, (long) chunk.inputTokens())))
                .toUni()
                .onItem()
                .ifNull()
                .failWith(() -> new TritonModelException(
                        "the backend reported no num_input_tokens for model " + request.tritonModel()))
                .map(GenerationChunk::inputTokens);
    }

    private void ended(Span span, Phase phase, String model, Generation generation) {
        span.setAttribute(GEN_AI_USAGE_INPUT_TOKENS, (long) generation.inputTokens());
        span.setAttribute(GEN_AI_USAGE_OUTPUT_TOKENS, (long) generation.outputTokens());
        span.setAttribute(
                GEN_AI_RESPONSE_FINISH_REASONS,
                List.of(generation.finishReason().name().toLowerCase(Locale.ROOT)));
        tokens(phase, model, "input").record(generation.inputTokens());
        tokens(phase, model, "output").record(generation.outputTokens());
    }

    private DistributionSummary tokens(Phase phase, String model, String type) {
        return DistributionSummary.builder("gen_ai.client.token.usage")
                .description("Tokens per Triton call, prompt (input) and generated (output), counted by Triton")
                .tags(
                        "gen_ai.operation.name",
                        TEXT_COMPLETION,
                        "gen_ai.request.model",
                        model,
                        "gen_ai.token.type",
                        type,
                        "elastic.phase",
                        phase.label())
                .publishPercentileHistogram()
                .register(registry);
    }
}
