package io.elasticmesh.audit.service;

import io.elasticmesh.audit.config.AuditConfig;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/** Deletes each tenant's events older than its retention period; the chain stays verifiable from its checkpoint. */
@ApplicationScoped
public class RetentionJob {

    private static final Logger LOG = Logger.getLogger(RetentionJob.class);

    private final AuditStore store;
    private final AuditConfig.Retention retention;

    public RetentionJob(AuditStore store, AuditConfig config) {
        this.store = store;
        this.retention = config.retention();
    }

    @Scheduled(every = "${audit.retention.interval}", delayed = "${audit.retention.interval}")
    void scheduled() {
        run(Instant.now());
    }

    /** @return events deleted across all tenants */
    public long run(Instant now) {
        long deleted = 0;
        for (String tenant : store.tenants()) {
            Duration period = retention.tenants().getOrDefault(tenant, retention.defaultPeriod());
            long retired = store.retire(tenant, now.minus(period), retention.checkpointKey());
            if (retired > 0) {
                LOG.infof("retention: deleted %d audit events of tenant '%s' stored before %s", retired, tenant,
                        now.minus(period));
            }
            deleted += retired;
        }
        return deleted;
    }
}
