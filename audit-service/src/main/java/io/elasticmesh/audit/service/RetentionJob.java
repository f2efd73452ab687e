package io.elasticmesh.audit.service;

import io.elasticmesh.audit.config.AuditConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Deletes audit events whose retention period (the tenant's, else the tier's, else the default) has run out, oldest
 * first; each tenant's chain stays verifiable from its signed checkpoint.
 */
@ApplicationScoped
public class RetentionJob {

    private static final Logger LOG = Logger.getLogger(RetentionJob.class);

    private final ChainHeads heads;
    private final ChainRetirement retirement;
    private final AuditConfig.Retention retention;
    private final ChainKey key;

    public RetentionJob(ChainHeads heads, ChainRetirement retirement, AuditConfig config, ChainKey key) {
        this.heads = heads;
        this.retirement = retirement;
        this.retention = config.retention();
        this.key = key;
    }

    @Scheduled(every = "${audit.retention.interval}", delayed = "${audit.retention.interval}")
    void scheduled() {
        run(Instant.now());
    }

    /** @return events deleted across all tenants */
    public long run(Instant now) {
        long deleted = 0;
        Map<String, Instant> tierCutoffs = new TreeMap<>();
        retention.tiers().forEach((tier, period) -> tierCutoffs.put(tier, now.minus(period)));
        for (String tenant : heads.tenants()) {
            Duration tenantPeriod = retention.tenants().get(tenant);
            long retired;
            try {
                retired = tenantPeriod != null
                        ? retirement.retire(tenant, Map.of(), now.minus(tenantPeriod), key.value())
                        : retirement.retire(tenant, tierCutoffs, now.minus(retention.defaultPeriod()), key.value());
            } catch (IllegalStateException e) {
                // E.g. a period shorter than the database's retention floor: one tenant's refusal stops no other's.
                LOG.errorf("retention: tenant '%s' keeps its events this time: %s", tenant, e.getMessage());
                continue;
            }
            if (retired > 0) {
                LOG.infof("retention: deleted the %d oldest audit events of tenant '%s'", retired, tenant);
            }
            deleted += retired;
        }
        return deleted;
    }
}
