package io.elasticmesh.router.service;

import io.elasticmesh.conversation.Sampling;
import io.elasticmesh.conversation.Turn;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.audit.v1.MutinyAuditServiceGrpc;
import io.elasticmesh.proto.reasoning.v1.MutinyDecoderServiceGrpc;
import io.elasticmesh.proto.reasoning.v1.MutinySolutionServiceGrpc;
import io.elasticmesh.router.AuditSink;
import io.elasticmesh.router.BudgetPolicy;
import io.elasticmesh.router.CapacityShare;
import io.elasticmesh.router.Quotas;
import io.elasticmesh.router.ReasonCommand;
import io.elasticmesh.router.ThinkingHold;
import io.elasticmesh.router.TokenQuotas;
import io.elasticmesh.router.client.AuditClient;
import io.elasticmesh.router.client.DecoderClient;
import io.elasticmesh.router.client.SolutionClient;
import io.elasticmesh.router.config.RouterConfig;
import io.elasticmesh.router.config.TierTableStore;
import io.elasticmesh.router.mapping.AuditMapper;
import io.elasticmesh.router.metrics.RouterMetrics;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The router's orchestration wired by hand, as CDI wires it in production, with decoder-service,
 * solution-service and audit-service replaced by {@link PhaseFakes} behind an in-process gRPC server: the real clients, stubs,
 * deadlines and cancellation, no network, no Triton, Kafka or PostgreSQL.
 */
final class Orchestration implements AutoCloseable {

    /**
     * Three tiers of one slot each and no queue, so a slot not given back shows as the next request's refusal.
     * {@code metered} may use 1 token a minute: a charge shows as debt, no charge as a full bucket. {@code shadowed}
     * re-runs every cut request with 256 thinking tokens on its one slot.
     */
    static final String TIERS = """
            tiers:
              plain:
                model: fake
                thinking-budget-tokens: 64
                solution-budget-tokens: 32
                deadline-ms: 20000
                max-concurrent-requests: 1
                queue-limit: 0
              rollover:
                model: fake
                thinking-budget-tokens: 64
                solution-budget-tokens: 32
                deadline-ms: 20000
                max-concurrent-requests: 1
                queue-limit: 0
                rollover-unused-thinking: true
              every:
                model: fake
                thinking-budget-tokens: 64
                solution-budget-tokens: 32
                deadline-ms: 20000
                audit: all
              reviewed:
                model: fake
                thinking-budget-tokens: 64
                solution-budget-tokens: 32
                deadline-ms: 20000
                audit: all
                review: all-cut
              sampled:
                model: fake
                thinking-budget-tokens: 64
                solution-budget-tokens: 32
                deadline-ms: 20000
                sampling:
                  temperature: {default: 0.6, max: 1.0}
                  top-p: {pin: 0.95}
              guarded:
                model: fake
                thinking-budget-tokens: 64
                solution-budget-tokens: 32
                deadline-ms: 20000
                quota-store-outage: fail-closed
              shadowed:
                model: fake
                thinking-budget-tokens: 64
                thinking-budget-ceiling-tokens: 256
                solution-budget-tokens: 32
                deadline-ms: 20000
                max-concurrent-requests: 1
                queue-limit: 1
                shadow: {fraction: 1, thinking-budget-tokens: 256}
                price: {currency: EUR, prompt-per-million: 1, generated-per-million: 4}
            tenants:
              acme:
                allowed-tiers: [plain, rollover, every, reviewed, sampled, shadowed]
                default-tier: plain
                tokens-per-minute: 1000000000
              rival:
                allowed-tiers: [plain]
                default-tier: plain
                tokens-per-minute: 1000000000
              metered:
                allowed-tiers: [plain, shadowed]
                default-tier: plain
                tokens-per-minute: 1
              shared:
                allowed-tiers: [plain, guarded]
                default-tier: plain
                tokens-per-minute: 1000
            """;

    final PhaseFakes.Decoder decoder = new PhaseFakes.Decoder();
    final PhaseFakes.Solution solution = new PhaseFakes.Solution();
    final List<AuditEvent> audited = new CopyOnWriteArrayList<>();
    final PhaseFakes.AuditStore auditStore = new PhaseFakes.AuditStore(audited);
    /** Spans as they ended. */
    final List<SpanData> spans = new CopyOnWriteArrayList<>();

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final Admission admission;
    final TierTableStore tiers;
    final ReasoningService service;
    /**
     * Another router replica (or this one restarted): the same downstream services and audit store and, for the
     * slot and quota checks, the same admission, but a hold of its own that holds nothing yet.
     */
    final ReasoningService otherReplica;

    private final Server server;
    private final ManagedChannel channel;

    /** @param dir where the tier file is written */
    Orchestration(Path dir) {
        this(dir, new TokenQuotas(), CapacityShare.WHOLE);
    }

    /**
     * @param dir where the tier file is written
     * @param quotas the tenants' quotas, as {@code QuotaLeasing} produces them
     * @param share this router's part of the tiers' capacities, as {@code ReplicaCoordination} produces it
     */
    Orchestration(Path dir, Quotas quotas, CapacityShare share) {
        String name = InProcessServerBuilder.generateName();
        try {
            this.server = InProcessServerBuilder.forName(name)
                    .addService(decoder)
                    .addService(solution)
                    .addService(auditStore)
                    .build()
                    .start();
            Files.writeString(dir.resolve("tiers.yaml"), TIERS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.channel = InProcessChannelBuilder.forName(name).build();
        // The production defaults of every router.* setting, bound as Quarkus binds them ("5s" durations too).
        RouterConfig config = new SmallRyeConfigBuilder()
                .withMapping(RouterConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withDefaultValues(
                        Map.of("router.tiers-file", dir.resolve("tiers.yaml").toString()))
                .build()
                .getConfigMapping(RouterConfig.class);
        RouterMetrics metrics = new RouterMetrics(registry);
        Tracer tracer = SdkTracerProvider.builder()
                .addSpanProcessor(new SpanProcessor() {
                    @Override
                    public void onStart(io.opentelemetry.context.Context parent, ReadWriteSpan span) {}

                    @Override
                    public boolean isStartRequired() {
                        return false;
                    }

                    @Override
                    public void onEnd(ReadableSpan span) {
                        spans.add(span.toSpanData());
                    }

                    @Override
                    public boolean isEndRequired() {
                        return true;
                    }
                })
                .build()
                .get("orchestration-tests");
        this.tiers = new TierTableStore(config, metrics);
        this.admission =
                new Admission(tiers, config, metrics, quotas, share, ReplicaCoordination.initialSpeeds(config));
        AuditSink audit = result -> audited.add(AuditMapper.toEvent(result));
        DecoderClient decoderClient = new DecoderClient(MutinyDecoderServiceGrpc.newMutinyStub(channel), tracer);
        SolutionClient solutionClient = new SolutionClient(MutinySolutionServiceGrpc.newMutinyStub(channel), tracer);
        AuditClient auditClient = new AuditClient(
                MutinyAuditServiceGrpc.newMutinyStub(channel),
                config.continuation().auditTimeout(),
                "");
        ShadowEvaluation shadows = new ShadowEvaluation(admission, decoderClient, solutionClient, metrics, config);
        Supplier<ReasoningService> replica = () -> new ReasoningService(
                admission,
                decoderClient,
                solutionClient,
                audit,
                new ThinkingHold(
                        config.continuation().hold(),
                        config.continuation().maxRequests(),
                        config.continuation().maxBytes(),
                        System::nanoTime),
                auditClient,
                tracer,
                shadows);
        this.service = replica.get();
        this.otherReplica = replica.get();
    }

    /** A one-question request of {@code tenant} to {@code tier}, with the tier's budgets. */
    static ReasonCommand ask(String tenant, String tier, String question) {
        return ask(tenant, tier, question, OptionalInt.empty());
    }

    /** As {@link #ask(String, String, String)}, asking for a solution budget of {@code solutionTokens}. */
    static ReasonCommand ask(String tenant, String tier, String question, int solutionTokens) {
        return ask(tenant, tier, question, OptionalInt.of(solutionTokens));
    }

    /** As {@link #ask(String, String, String)}, with sampling settings. */
    static ReasonCommand ask(String tenant, String tier, String question, Sampling sampling) {
        return ask(tenant, tier, question, OptionalInt.empty(), sampling);
    }

    private static ReasonCommand ask(String tenant, String tier, String question, OptionalInt solutionTokens) {
        return ask(tenant, tier, question, solutionTokens, Sampling.NONE);
    }

    private static ReasonCommand ask(
            String tenant, String tier, String question, OptionalInt solutionTokens, Sampling sampling) {
        return new ReasonCommand(
                List.of(new Turn(Turn.Role.USER, question)),
                tier,
                tenant,
                true,
                OptionalLong.empty(),
                solutionTokens,
                false,
                BudgetPolicy.THINKING_FIELD,
                sampling);
    }

    int inFlight(String tier) {
        return admission.queue().inFlight(tier);
    }

    int waiting(String tier) {
        return admission.queue().waiting(tier);
    }

    double quotaLeft(String tenant) {
        return admission.remainingQuota(tiers.current().tenant(tenant).orElseThrow());
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.shutdownNow();
    }
}
