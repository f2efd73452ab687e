package io.elasticmesh.audit.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Configuration of audit-service (storage, redaction, retention); owned by ops. */
@ConfigMapping(prefix = "audit")
public interface AuditConfig {

    /**
     * The principals file (identity module format): who may query. Role {@code compliance} reads every tenant, role
     * {@code auditor} only its own. Required.
     */
    Path principalsFile();

    /**
     * A file holding the chain key: the secret (at least 32 characters; surrounding white space is ignored) that
     * signs (HMAC-SHA-256) the retention checkpoints and the chain anchors. The database never holds it, so nobody
     * with rights there alone can forge either. Required; a Kubernetes Secret mounted as a file in production.
     */
    Path chainKeyFile();

    /** Where the signed chain heads are kept, outside the database. */
    Anchors anchors();

    /** Redaction applied to every event before it is stored (and hashed). */
    Redaction redaction();

    /** How long stored events are kept. */
    Retention retention();

    /** The review workflow: claims and the rubric. */
    Review review();

    interface Review {

        /** How long a claim reserves an item for its reviewer; claiming it again renews it. */
        @WithDefault("15m")
        Duration claimDuration();

        /**
         * The verdicts reviewers may record, in the order people see them, e.g.
         * {@code audit.review.rubric[0].name=acceptable}. Names are 1 to 64 lowercase letters, digits and dashes.
         */
        List<RubricValue> rubric();
    }

    interface RubricValue {

        String name();

        /** For people, e.g. "the answer is wrong". */
        @WithDefault("")
        String description();

        /** A verdict with this value leaves its item escalated, for another reviewer to look at. */
        @WithDefault("false")
        boolean escalates();
    }

    /** The review console (pages under /console, signed in through OpenID Connect). */
    Console console();

    interface Console {

        /**
         * A trace viewer's address for one trace, {@code {traceId}} standing for the trace id, e.g.
         * {@code http://jaeger.example/trace/{traceId}}; none: the item page shows the trace id as text.
         */
        Optional<String> traceViewerUrl();

        /** Items per queue page. */
        @WithDefault("50")
        int pageSize();

        /**
         * The API key "think more" calls budget-router's ContinueReasoning with (a principal with role
         * {@code compliance} there); none where the router does not check its callers (the local mesh).
         */
        Optional<String> routerApiKey();

        /** How long the router may take to continue a request (it thinks and answers again). */
        @WithDefault("120s")
        Duration routerTimeout();
    }

    /** Retrying a batch the database did not store (e.g. while PostgreSQL restarts). */
    StoreRetry storeRetry();

    interface StoreRetry {

        /** Pause after the first failed attempt; it doubles with each further failure, up to {@link #maxBackoff()}. */
        @WithDefault("500ms")
        Duration initialBackoff();

        @WithDefault("30s")
        Duration maxBackoff();
    }

    interface Redaction {

        /**
         * Java regular expressions; every match in the conversation, the thinking and the answer is replaced by
         * {@link #replacement()} before the event is stored. None: nothing is redacted.
         */
        Optional<List<String>> patterns();

        @WithDefault("[REDACTED]")
        String replacement();
    }

    interface Retention {

        /** Age (since stored) after which a tenant's events are deleted. */
        @WithDefault("P3650D")
        Duration defaultPeriod();

        /**
         * Per-tier periods, e.g. {@code audit.retention.tiers.economy=P90D}. A tenant's chain is only ever shortened
         * from its oldest end, so an event whose own period has run out is deleted once every older event of its
         * tenant may go too.
         */
        Map<String, Duration> tiers();

        /** Per-tenant periods, overriding the tier and default periods for every event of the tenant. */
        Map<String, Duration> tenants();

        /** How often the deletion job runs. */
        @WithDefault("1h")
        String interval();
    }

    interface Anchors {

        /** The Kafka topic (key: tenant; compacted or append-only, never writable by the database's admins). */
        @WithDefault("elastic.audit.anchors.v1")
        String topic();

        /**
         * How often each tenant's head is signed and published when it moved: the longest time a newly stored event
         * is vouched for by the database alone.
         */
        @WithDefault("10s")
        String interval();
    }
}
