package io.elasticmesh.router.service;

import io.agroal.api.AgroalDataSource;
import io.elasticmesh.router.CapacityShare;
import io.elasticmesh.router.DeadlineSplit.ModelSpeed;
import io.elasticmesh.router.LiveReplicas;
import io.elasticmesh.router.ModelSpeeds;
import io.elasticmesh.router.QuotaStoreUnavailable;
import io.elasticmesh.router.ReplicaStore;
import io.elasticmesh.router.client.SharedReplicaStore;
import io.elasticmesh.router.config.RouterConfig;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.jboss.logging.Logger;

/**
 * What router replicas share besides quotas, with {@code router.shared.jdbc-url} set: each replica heartbeats into
 * the shared store, takes its share of every capacity from the live replicas it reads back ({@link LiveReplicas}),
 * publishes the model speeds it measured and seeds the models it has not measured from the others'. The first
 * heartbeat runs at start-up, so a replica admits nothing before it knows its share; like the migrations, it needs
 * the store then. Alone, a router uses every capacity whole and its own speeds.
 */
@Startup
@ApplicationScoped
public class ReplicaCoordination {

    private static final Logger LOG = Logger.getLogger(ReplicaCoordination.class);

    private final ModelSpeeds speeds;
    private final ReplicaStore store;
    private final LiveReplicas live;

    /** @param dataSource the coordination database; inactive (and never resolved) without a JDBC URL */
    ReplicaCoordination(RouterConfig config, InjectableInstance<AgroalDataSource> dataSource) {
        this.speeds = initialSpeeds(config);
        RouterConfig.Shared shared = config.shared();
        if (shared.jdbcUrl().isEmpty()) {
            this.store = null;
            this.live = null;
            return;
        }
        String self = QuotaLeasing.replicaId(shared);
        this.store = new SharedReplicaStore(dataSource.get(), self, shared.replicaTtl());
        ReplicaStore.Heartbeat first = store.heartbeat(speeds.measured());
        this.live = new LiveReplicas(self, first.live(), shared.replicaTtl().toNanos(), System::nanoTime);
        seed(first);
        LOG.infof("replica '%s' is one of %d live routers", self, live.replicas());
    }

    /** The configured speed every model starts at, learned from with the configured smoothing. */
    static ModelSpeeds initialSpeeds(RouterConfig config) {
        RouterConfig.Split split = config.split();
        return new ModelSpeeds(
                new ModelSpeed(split.initialMillisPerToken(), split.initialSolutionOverheadMillis()),
                split.smoothing());
    }

    @Produces
    @ApplicationScoped
    CapacityShare capacityShare() {
        return live == null ? CapacityShare.WHOLE : live;
    }

    @Produces
    @ApplicationScoped
    ModelSpeeds modelSpeeds() {
        return speeds;
    }

    @Scheduled(every = "${router.shared.heartbeat-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void heartbeat() {
        if (store == null) {
            return;
        }
        try {
            ReplicaStore.Heartbeat heartbeat = store.heartbeat(speeds.measured());
            int before = live.replicas();
            live.seen(heartbeat.live());
            seed(heartbeat);
            if (live.replicas() != before) {
                LOG.infof("live routers: %d (were %d): %s", live.replicas(), before, heartbeat.live());
            }
        } catch (QuotaStoreUnavailable unreachable) {
            // Logged by the store; the last share stays in force (LiveReplicas).
        }
    }

    @PreDestroy
    void leave() {
        if (store == null) {
            return;
        }
        try {
            store.leave();
        } catch (QuotaStoreUnavailable unreachable) {
            // The others drop this replica after router.shared.replica-ttl.
        }
    }

    private void seed(ReplicaStore.Heartbeat heartbeat) {
        heartbeat.speeds().forEach(speeds::seed);
    }
}
