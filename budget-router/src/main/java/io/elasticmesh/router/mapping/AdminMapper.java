package io.elasticmesh.router.mapping;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.reasoning.v1.GetConfigStatusResponse;
import io.elasticmesh.proto.reasoning.v1.ListQuarantinedAuditEventsResponse;
import io.elasticmesh.proto.reasoning.v1.ListTenantsResponse;
import io.elasticmesh.proto.reasoning.v1.ListTiersResponse;
import io.elasticmesh.proto.reasoning.v1.QuarantinedAuditEvent;
import io.elasticmesh.proto.reasoning.v1.TenantInfo;
import io.elasticmesh.proto.reasoning.v1.TierInfo;
import io.elasticmesh.router.AdmissionQueue;
import io.elasticmesh.router.Tenant;
import io.elasticmesh.router.Tier;
import io.elasticmesh.router.TierTable;
import io.elasticmesh.router.config.ReloadableFile;
import io.elasticmesh.router.outbox.AuditQuarantine;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/** Domain → proto for the admin contract. */
public final class AdminMapper {

    private AdminMapper() {}

    public static ListTiersResponse toTiers(TierTable table, AdmissionQueue queue) {
        ListTiersResponse.Builder reply = ListTiersResponse.newBuilder().setConfigVersion(table.version());
        for (Tier tier : table.sortedTiers()) {
            reply.addTiers(TierInfo.newBuilder()
                    .setName(tier.name())
                    .setModel(tier.model())
                    .setThinkingBudgetTokens(tier.thinkingBudgetTokens())
                    .setThinkingBudgetCeilingTokens(tier.thinkingBudgetCeilingTokens())
                    .setSolutionBudgetTokens(tier.solutionBudgetTokens())
                    .setDeadlineMs(tier.deadlineMs())
                    .setPriority(tier.priority())
                    .setMaxConcurrentRequests(tier.maxConcurrentRequests())
                    .setQueueLimit(tier.queueLimit())
                    .setRolloverUnusedThinking(tier.rolloverUnusedThinking())
                    .setInFlightRequests(queue.inFlight(tier.name()))
                    .setQueuedRequests(queue.waiting(tier.name())));
        }
        return reply.build();
    }

    public static ListTenantsResponse toTenants(TierTable table, ToDoubleFunction<Tenant> remainingTokens) {
        ListTenantsResponse.Builder reply = ListTenantsResponse.newBuilder().setConfigVersion(table.version());
        for (Tenant tenant : table.sortedTenants()) {
            reply.addTenants(TenantInfo.newBuilder()
                    .setName(tenant.name())
                    .addAllAllowedTiers(new TreeSet<>(tenant.allowedTiers()))
                    .setDefaultTier(tenant.defaultTier())
                    .setTokensPerMinute(tenant.tokensPerMinute())
                    .setRemainingTokens((long) Math.floor(remainingTokens.applyAsDouble(tenant))));
        }
        return reply.build();
    }

    public static GetConfigStatusResponse toStatus(String file, ReloadableFile.Status status, long failures) {
        GetConfigStatusResponse.Builder reply = GetConfigStatusResponse.newBuilder()
                .setTiersFile(file)
                .setConfigVersion(status.version())
                .setLoadedAt(timestamp(status.loadedAt()))
                .setReloadFailures(failures);
        status.lastError().ifPresent(reply::setLastError);
        status.lastErrorAt().ifPresent(at -> reply.setLastErrorAt(timestamp(at)));
        return reply.build();
    }

    /** Identifiers only: the conversation and thinking stay in the quarantine file. */
    public static ListQuarantinedAuditEventsResponse toQuarantined(List<AuditQuarantine.Entry> entries) {
        ListQuarantinedAuditEventsResponse.Builder reply = ListQuarantinedAuditEventsResponse.newBuilder();
        for (AuditQuarantine.Entry entry : entries) {
            QuarantinedAuditEvent.Builder event = QuarantinedAuditEvent.newBuilder()
                    .setSpoolSequence(entry.sequence())
                    .setSizeBytes(entry.bytes().length)
                    .setReason(entry.reason())
                    .setQuarantinedAt(timestamp(entry.quarantinedAt()));
            try {
                AuditEvent audited = AuditEvent.parseFrom(entry.bytes());
                event.setEventId(audited.getEventId())
                        .setRequestId(audited.getResponse().getRequestId())
                        .setTenant(audited.getTenant());
            } catch (InvalidProtocolBufferException e) {
                // Quarantined because it is not an audit event: the reason says so, there are no ids to show.
            }
            reply.addEvents(event);
        }
        return reply.build();
    }

    private static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder()
                .setSeconds(at.getEpochSecond())
                .setNanos(at.getNano())
                .build();
    }
}
