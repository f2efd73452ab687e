package io.elasticmesh.router.service;

import io.agroal.api.AgroalDataSource;
import io.elasticmesh.router.LeasedQuotas;
import io.elasticmesh.router.Quotas;
import io.elasticmesh.router.TokenQuotas;
import io.elasticmesh.router.client.SharedQuotaStore;
import io.elasticmesh.router.config.RouterConfig;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The tenants' quotas admission checks: this router's own ({@link TokenQuotas}) unless {@code router.shared.jdbc-url}
 * is set, then leased from the shared store ({@link LeasedQuotas}), whose leases this bean renews on a schedule.
 */
@ApplicationScoped
public class QuotaLeasing {

    private final Quotas quotas;

    /** @param dataSource the coordination database; inactive (and never resolved) without a JDBC URL */
    QuotaLeasing(RouterConfig config, InjectableInstance<AgroalDataSource> dataSource) {
        RouterConfig.Shared shared = config.shared();
        this.quotas = shared.jdbcUrl().isEmpty()
                ? new TokenQuotas()
                : new LeasedQuotas(
                        new SharedQuotaStore(dataSource.get(), replicaId(shared), shared.leaseTtl()),
                        shared.quotaSliceFraction(),
                        shared.storeRetry().toNanos(),
                        Infrastructure.getDefaultWorkerPool(),
                        System::nanoTime);
    }

    @Produces
    @ApplicationScoped
    Quotas quotas() {
        return quotas;
    }

    @Scheduled(
            every = "${router.shared.lease-renew-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void renewLeases() {
        if (quotas instanceof LeasedQuotas leased) {
            leased.renewAll();
        }
    }

    /** The id that names this replica's rows in the shared store: the configured one, or the host name. */
    static String replicaId(RouterConfig.Shared shared) {
        return shared.replicaId().orElseGet(QuotaLeasing::hostName);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("set router.shared.replica-id: the host name is unknown", e);
        }
    }
}
