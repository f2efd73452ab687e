package io.elasticmesh.router.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Configuration of the budget router. */
@ConfigMapping(prefix = "router")
public interface RouterConfig {

    /**
     * The SLA tier file (YAML), owned by ops; required, so a router never serves tiers nobody chose. The sample is
     * {@code k8s/base/tiers.yaml}, which Kubernetes mounts as a ConfigMap.
     */
    Path tiersFile();

    /**
     * The principals file (YAML, a Kubernetes Secret): API keys as {@code sha256:<hex>}, mTLS certificate subjects,
     * and the tenant each principal acts for (format: identity/README.md). When set, every call must present a
     * known credential; when not set, callers are not authenticated and the request's tenant field is believed.
     */
    Optional<Path> principalsFile();

    /**
     * How often the tier and principals files are checked for changes; an edit takes effect within this. At least 1 s:
     * the scheduler looks at its triggers once a second.
     */
    @WithDefault("5s")
    Duration tiersReloadInterval();

    /** Tenant recorded for requests that name none when callers are not authenticated. */
    @WithDefault("anonymous")
    String defaultTenant();

    /** Audit event delivery. */
    Audit audit();

    interface Audit {

        /** Kafka topic of audit events (value: elastic.audit.v1.AuditEvent, key: tenant). */
        @WithDefault("elastic.audit.events.v1")
        String topic();

        /**
         * Directory of the durable spool every event is written to before it goes to Kafka; must survive restarts
         * (a persistent volume in Kubernetes), and belongs to one router instance.
         */
        @WithDefault("audit-spool")
        Path spoolDir();

        /** Longest the request path waits for its event to be on disk before it answers anyway. */
        @WithDefault("50ms")
        Duration maxBlock();

        /** Events that may wait for the spool's writer; beyond it an event is refused (and logged) at once. */
        @WithDefault("10000")
        int queueCapacity();

        /**
         * Longest the router waits, when it stops (after the requests in flight), for Kafka to acknowledge every
         * spooled event; what is left stays on the spool's volume for the next router that opens it.
         */
        @WithDefault("30s")
        Duration drainTimeout();

        /** Spool segment size after which a new file is started; whole delivered segments are deleted. */
        @WithDefault("16777216")
        long segmentBytes();

        /** How long a send to Kafka may take before the batch is retried from the spool. */
        @WithDefault("10s")
        Duration sendTimeout();

        /**
         * Pause after the first failed delivery attempt (Kafka unreachable); it doubles with each further failure,
         * up to {@link #retryBackoffMax()}.
         */
        @WithDefault("1s")
        Duration retryBackoff();

        /** Longest pause between delivery attempts. */
        @WithDefault("30s")
        Duration retryBackoffMax();

        /**
         * Largest audit event (serialized) sent to Kafka, bytes; a larger one is quarantined. The producer's
         * max.request.size follows it; the topic's max.message.bytes and audit-service's max.partition.fetch.bytes
         * must allow it too (README, "Sizes").
         */
        @WithDefault("8388608")
        int maxEventBytes();
    }

    /** Cut requests held for ContinueReasoning. */
    Continuation continuation();

    interface Continuation {

        /** How long a cut request can be continued after its answer. */
        @WithDefault("10m")
        Duration hold();

        /**
         * Most cut requests held at once (the oldest is dropped first); 0 holds none, so every continuation reads
         * the audit store.
         */
        @WithDefault("10000")
        int maxRequests();

        /**
         * Most bytes of text (conversations, prompts, thinking and answers, at two bytes a character) held at once,
         * the oldest dropped first; a request larger than this is not held. 8 MiB holds thousands of everyday
         * requests, and a few of the largest a gRPC message carries (4 MiB), in a heap of 32 MB resident.
         */
        @WithDefault("8388608")
        long maxBytes();

        /**
         * Longest a read of audit-service ({@code quarkus.grpc.clients.audit.*}) may take when this router does not
         * hold the request to continue; the caller's deadline applies too.
         */
        @WithDefault("5s")
        Duration auditTimeout();

        /**
         * API key of the router's principal on audit-service (role {@code continuation}: reads what continuing a
         * request needs, nothing else), sent as x-api-key; from a Kubernetes Secret. Without one, audit-service
         * refuses the read and only held requests can be continued.
         */
        Optional<String> auditApiKey();
    }

    /** Shadow evaluation: the re-runs of answered requests with a larger thinking budget (the tier file's shadow). */
    Shadow shadow();

    interface Shadow {

        /**
         * Most shadows waiting for idle capacity; when full, the oldest is dropped. 0 runs a shadow only if a slot is
         * free the moment its request is answered (its own slot is still held then).
         */
        @WithDefault("16")
        int queueCapacity();

        /** Longest a shadow waits for idle capacity before it is dropped. */
        @WithDefault("60s")
        Duration maxWait();
    }

    /** Deadline split between the thinking and solution phases. */
    Split split();

    interface Split {

        /** Decode speed assumed for a model until the router has measured it, in milliseconds per token. */
        @WithDefault("50")
        double initialMillisPerToken();

        /** Fixed cost of a solution phase (hop, prompt prefill) assumed until measured, in milliseconds. */
        @WithDefault("500")
        double initialSolutionOverheadMillis();

        /** Weight of the newest measurement in the smoothed rates (exponential moving average), 0..1. */
        @WithDefault("0.2")
        double smoothing();

        /** The solution phase's expected time is multiplied by this to leave room for variance; at least 1. */
        @WithDefault("1.5")
        double safetyFactor();
    }

    /**
     * Coordination of router replicas through a shared store (PostgreSQL, a database of its own): tenants' token
     * quotas leased in slices, the live replicas that split the tiers' concurrency, and the models' speeds. Off while {@link Shared#jdbcUrl()} is unset: a single router needs no database.
     */
    Shared shared();

    interface Shared {

        /**
         * JDBC URL of the router's coordination database, e.g. {@code jdbc:postgresql://postgres:5432/router}; unset,
         * each router keeps its tenants' quotas alone.
         */
        Optional<String> jdbcUrl();

        /**
         * The router's role: reads and writes the coordination tables (quotas, live replicas, model speeds), nothing
         * else (created by the migrations).
         */
        @WithDefault("budget_router")
        String username();

        /** Password of {@link #username()}; from a Kubernetes Secret. */
        Optional<String> password();

        /** Role the migrations run as at start-up: the database's owner, which creates {@link #username()}. */
        @WithDefault("mesh")
        String migrationUsername();

        /** Password of {@link #migrationUsername()}; from a Kubernetes Secret. */
        Optional<String> migrationPassword();

        /**
         * Names this replica's leases; unique among the replicas (the pod name of the StatefulSet). Default: the
         * host name.
         */
        Optional<String> replicaId();

        /**
         * Share of a tenant's tokens-per-minute a replica leases at a time. The mesh may admit up to one slice per
         * replica beyond the bucket (README, "Operations"); smaller slices mean more leases.
         */
        @WithDefault("0.05")
        double quotaSliceFraction();

        /** A lease not renewed within this expires, and its tokens return to the tenant's bucket. */
        @WithDefault("30s")
        Duration leaseTtl();

        /** How often each replica settles and renews its leases; well under {@link #leaseTtl()}. */
        @WithDefault("10s")
        Duration leaseRenewInterval();

        /** After a failed lease, how long requests decide by their tier's quota-store-outage without the store. */
        @WithDefault("1s")
        Duration storeRetry();

        /**
         * How often each replica marks itself live, publishes the model speeds it measured and reads the live
         * replicas (which split every tier's max-concurrent-requests) and the others' speeds.
         */
        @WithDefault("2s")
        Duration heartbeatInterval();

        /**
         * A replica whose heartbeat is older than this is no longer live: the others take its share of the tiers'
         * capacities. Also how long a replica that cannot reach the store keeps its last share before a tier that
         * fails open takes its whole capacity. A few heartbeat intervals.
         */
        @WithDefault("10s")
        Duration replicaTtl();
    }
}
