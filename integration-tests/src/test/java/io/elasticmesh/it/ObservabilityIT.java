package io.elasticmesh.it;

import static io.elasticmesh.it.SharedMesh.scripted;
import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.cli.ApiKeys;
import io.elasticmesh.cli.AuditEvents;
import io.elasticmesh.local.LocalMesh;
import io.elasticmesh.local.OtlpReceiver;
import io.elasticmesh.local.OtlpReceiver.ReceivedSpan;
import io.elasticmesh.local.quarkus.HttpGet;
import io.elasticmesh.proto.audit.v1.AuditServiceGrpc;
import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Tracing, metrics and health across the whole mesh: every service exports its spans over OTLP/gRPC to a real
 * receiver, so one request's trace can be followed from the router through both phases and their Triton calls to
 * the audit event's consumption.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservabilityIT {

    private static final Path WORK = Path.of(System.getProperty("mesh.work")).resolve("observability");

    private OtlpReceiver receiver;
    private LocalMesh mesh;
    private ManagedChannel routerChannel;
    private ManagedChannel auditChannel;

    @BeforeAll
    void startMesh() {
        receiver = OtlpReceiver.start();
        mesh = LocalMesh.start(
                LocalMesh.Options.ephemeral(Path.of(System.getProperty("mesh.root")), WORK, List.of("scripted"))
                        .withServiceConfig(Map.of(
                                "quarkus.otel.sdk.disabled", "false",
                                "quarkus.otel.exporter.otlp.endpoint", receiver.endpoint(),
                                "quarkus.otel.bsp.schedule.delay", "200ms",
                                // audit-service logs each event it keeps at DEBUG
                                "quarkus.log.category.\"io.elasticmesh.audit.kafka\".level", "DEBUG")));
        routerChannel = ManagedChannelBuilder.forAddress("127.0.0.1", mesh.routerPort())
                .usePlaintext()
                .build();
        auditChannel = ManagedChannelBuilder.forAddress("127.0.0.1", mesh.auditPort())
                .usePlaintext()
                .build();
    }

    @AfterAll
    void stopMesh() {
        routerChannel.shutdownNow();
        auditChannel.shutdownNow();
        mesh.close();
        receiver.close();
    }

    private ReasonResponse cutRequest() {
        ReasonResponse r = BudgetRouterGrpc.newBlockingStub(routerChannel)
                .withDeadlineAfter(2, TimeUnit.MINUTES)
                .reason(scripted("close=no answer=2")
                        .setThinkingBudgetTokens(7)
                        .setSolutionBudgetTokens(5)
                        .build());
        // The audit consumer has run once its record is queryable.
        AuditEvents.await(
                ApiKeys.attach(AuditServiceGrpc.newBlockingStub(auditChannel), mesh.auditApiKey()),
                r.getRequestId(),
                Duration.ofSeconds(60));
        return r;
    }

    @Test
    void oneCutRequestIsOneTraceFromTheRouterThroughBothPhasesToTheAuditConsumer() throws IOException {
        ReasonResponse r = cutRequest();

        ReceivedSpan chat = await(s -> r.getRequestId().equals(s.string("gen_ai.response.id")));
        List<ReceivedSpan> trace = receiver.awaitTrace(
                chat.traceId(),
                spans -> spans.stream()
                                .anyMatch(s ->
                                        s.service().equals("audit-service") && s.kind() == SpanKind.SPAN_KIND_CONSUMER)
                        && spans.stream()
                                        .filter(s -> s.name().startsWith("text_completion"))
                                        .count()
                                == 2,
                Duration.ofSeconds(60));

        assertThat(trace)
                .extracting(ReceivedSpan::service)
                .contains("budget-router", "decoder-service", "solution-service", "audit-service");

        assertThat(chat.name()).isEqualTo("chat scripted");
        assertThat(chat.string("gen_ai.operation.name")).isEqualTo("chat");
        assertThat(chat.string("gen_ai.request.model")).isEqualTo("scripted");
        assertThat(chat.number("gen_ai.request.max_tokens")).isEqualTo(7 + 5);
        assertThat(chat.number("gen_ai.usage.input_tokens"))
                .isEqualTo(r.getUsage().getPromptTokens());
        assertThat(chat.number("gen_ai.usage.output_tokens")).isEqualTo(7 + 3);
        assertThat(chat.strings("gen_ai.response.finish_reasons")).containsExactly("stop");
        assertThat(chat.string("elastic.tier")).isEqualTo("scripted");
        assertThat(chat.number("elastic.thinking_tokens")).isEqualTo(7);
        assertThat(chat.flag("elastic.thinking_truncated")).isTrue();
        assertThat(chat.string("elastic.truncation_reason")).isEqualTo("token_budget");
        ReceivedSpan routerCall = parentOf(chat, trace);
        assertThat(routerCall.kind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
        assertThat(routerCall.name()).isEqualTo("elastic.reasoning.v1.BudgetRouter/Reason");

        ReceivedSpan thinkingPhase = only(trace, "budget-router", "DecoderClient.generateThinking");
        ReceivedSpan solutionPhase = only(trace, "budget-router", "SolutionClient.generateSolution");
        assertThat(thinkingPhase.parentSpanId()).isEqualTo(chat.spanId());
        assertThat(solutionPhase.parentSpanId()).isEqualTo(chat.spanId());
        assertThat(thinkingPhase.flag("elastic.thinking_truncated")).isTrue();
        assertThat(thinkingPhase.string("elastic.truncation_reason")).isEqualTo("token_budget");

        ReceivedSpan thinking = textCompletion(trace, "decoder-service");
        assertThat(ancestors(thinking, trace)).contains(thinkingPhase);
        assertThat(thinking.string("elastic.phase")).isEqualTo("thinking");
        assertThat(thinking.kind()).isEqualTo(SpanKind.SPAN_KIND_CLIENT);
        assertThat(thinking.string("gen_ai.operation.name")).isEqualTo("text_completion");
        assertThat(thinking.string("gen_ai.request.model")).isEqualTo("scripted");
        assertThat(thinking.number("gen_ai.request.max_tokens")).isEqualTo(7);
        assertThat(thinking.number("gen_ai.usage.output_tokens")).isEqualTo(7);
        assertThat(thinking.number("gen_ai.usage.input_tokens"))
                .isEqualTo(r.getUsage().getPromptTokens());
        assertThat(thinking.strings("gen_ai.response.finish_reasons")).containsExactly("length");
        // The Triton call itself, under the GenAI span.
        assertThat(trace)
                .anyMatch(s -> s.parentSpanId().equals(thinking.spanId())
                        && s.name().equals("inference.GRPCInferenceService/ModelStreamInfer"));

        ReceivedSpan answer = textCompletion(trace, "solution-service");
        assertThat(ancestors(answer, trace)).contains(solutionPhase).doesNotContain(thinkingPhase);
        assertThat(answer.string("elastic.phase")).isEqualTo("solution");
        assertThat(answer.number("gen_ai.request.max_tokens")).isEqualTo(5);
        assertThat(answer.number("gen_ai.usage.output_tokens")).isEqualTo(3);
        assertThat(answer.strings("gen_ai.response.finish_reasons")).containsExactly("stop");

        ReceivedSpan consumed = trace.stream()
                .filter(s -> s.service().equals("audit-service") && s.kind() == SpanKind.SPAN_KIND_CONSUMER)
                .findFirst()
                .orElseThrow();
        List<ReceivedSpan> consumedUnder = ancestors(consumed, trace);
        // The router's spool carries the request's context into the record's traceparent header.
        assertThat(consumedUnder).contains(chat);

        // Logs carry the trace id: the consumer's line about this event names the request's trace.
        assertThat(Files.readAllLines(WORK.resolve("logs").resolve("audit-service.log")))
                .anyMatch(line -> line.contains("stored audit event")
                        && line.contains(r.getRequestId())
                        && line.contains("traceId=" + chat.traceId()));
    }

    @Test
    void everyServiceExposesItsSeriesToPrometheus() {
        cutRequest();

        assertThat(metrics("budget-router"))
                .contains(
                        "elastic_requests_total{",
                        "tier=\"scripted\"",
                        "elastic_thinking_truncated_total{",
                        "reason=\"token_budget\"",
                        "elastic_request_duration_seconds_bucket{");
        assertThat(metrics("decoder-service"))
                .contains(
                        "elastic_triton_call_duration_seconds_count{model=\"scripted\",phase=\"thinking\"}",
                        "gen_ai_client_token_usage_count{elastic_phase=\"thinking\",gen_ai_operation_name=\"text_completion\","
                                + "gen_ai_request_model=\"scripted\",gen_ai_token_type=\"output\"}");
        assertThat(metrics("solution-service"))
                .contains(
                        "elastic_triton_call_duration_seconds_count{model=\"scripted\",phase=\"solution\"}",
                        "gen_ai_client_token_usage_count{elastic_phase=\"solution\"");
        assertThat(metrics("audit-service"))
                .contains("elastic_audit_kafka_lag{", "elastic_audit_store_failures_total")
                .containsPattern("elastic_audit_events_stored_total(\\{[^}]*\\})? [1-9]");
        assertThat(metrics("budget-router"))
                .contains(
                        "elastic_audit_publish_seconds{",
                        "elastic_audit_spool_sync_seconds{",
                        "elastic_audit_quarantine_depth");
    }

    @Test
    void everyServiceIsLiveAndReadyWithItsDependenciesUp() {
        for (String service : List.of("budget-router", "decoder-service", "solution-service", "audit-service")) {
            assertThat(get(service, "/q/health/live").statusCode())
                    .as(service + " live")
                    .isEqualTo(200);
            HttpResponse<String> ready = get(service, "/q/health/ready");
            assertThat(ready.statusCode())
                    .as(service + " ready: " + ready.body())
                    .isEqualTo(200);
            HttpGet.assertOperatorEndpointsOnlyOnManagementPort(mesh.httpPort(service), mesh.managementPort(service));
        }
        assertThat(get("decoder-service", "/q/health/ready").body()).contains("\"triton\"");
        assertThat(get("budget-router", "/q/health/ready").body())
                .contains("\"decoder-service\"", "\"solution-service\"");
        assertThat(get("audit-service", "/q/health/ready").body()).contains("Kafka");
    }

    private String metrics(String service) {
        return get(service, "/q/metrics").body();
    }

    private HttpResponse<String> get(String service, String path) {
        return HttpGet.get(mesh.managementPort(service), path);
    }

    private ReceivedSpan await(Predicate<ReceivedSpan> which) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Optional<ReceivedSpan> found =
                    receiver.spans().stream().filter(which).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            sleep();
        }
        throw new AssertionError("no such span; received: "
                + receiver.spans().stream()
                        .map(s -> s.service() + ":" + s.name())
                        .toList());
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static ReceivedSpan only(List<ReceivedSpan> trace, String service, String name) {
        List<ReceivedSpan> found = trace.stream()
                .filter(s -> s.service().equals(service) && s.name().equals(name))
                .toList();
        assertThat(found).as(service + ":" + name).hasSize(1);
        return found.get(0);
    }

    private static ReceivedSpan textCompletion(List<ReceivedSpan> trace, String service) {
        return only(trace, service, "text_completion scripted");
    }

    private static ReceivedSpan parentOf(ReceivedSpan span, List<ReceivedSpan> trace) {
        return trace.stream()
                .filter(s -> s.spanId().equals(span.parentSpanId()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("parent of " + span.name() + " not in the trace"));
    }

    /** Parent, grandparent, … up to the trace's root; every link must be in the trace. */
    private static List<ReceivedSpan> ancestors(ReceivedSpan span, List<ReceivedSpan> trace) {
        List<ReceivedSpan> chain = new ArrayList<>();
        ReceivedSpan current = span;
        while (!current.parentSpanId().isEmpty()) {
            current = parentOf(current, trace);
            chain.add(current);
        }
        return chain;
    }
}
