package io.elasticmesh.audit.service;

import io.elasticmesh.audit.AnchorLog;
import io.elasticmesh.audit.ChainAnchor;
import io.elasticmesh.audit.ChainHead;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Signs each tenant's chain head with the chain key and publishes it to the {@link AnchorLog} whenever it moved, so
 * that the chain up to it can be checked against something the database's admins cannot rewrite. A head is signed
 * only when the chain still holds the tenant's newest anchor: a chain rewritten since is reported, never vouched for.
 */
@ApplicationScoped
public class AnchorJob {

    private static final Logger LOG = Logger.getLogger(AnchorJob.class);

    private final ChainHeads heads;
    private final AnchorLog anchors;
    private final ChainKey key;
    /** Each tenant's newest anchor; read from the log on the first run, then kept up to date here. */
    private Map<String, ChainAnchor> newest;

    public AnchorJob(ChainHeads heads, AnchorLog anchors, ChainKey key) {
        this.heads = heads;
        this.anchors = anchors;
        this.key = key;
    }

    @Scheduled(every = "${audit.anchors.interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            run(Instant.now());
        } catch (RuntimeException e) {
            LOG.warnf("chain anchors not published this time: %s", e.getMessage());
        }
    }

    /** @return the anchors published */
    public synchronized List<ChainAnchor> run(Instant now) {
        if (newest == null) {
            newest = new HashMap<>(anchors.newest(key.value()));
        }
        List<ChainAnchor> fresh = new ArrayList<>();
        Set<String> inDatabase = new HashSet<>();
        for (ChainHead chain : heads.chains()) {
            inDatabase.add(chain.tenant());
            ChainAnchor last = newest.get(chain.tenant());
            boolean anchored = last != null
                    && last.position() == chain.headPosition()
                    && last.hash().equals(chain.headHash());
            if (chain.headPosition() == 0 || anchored) {
                continue;
            }
            Optional<String> contradiction = last == null
                    ? Optional.empty()
                    : last.contradiction(
                            chain.headPosition(), chain.retiredPosition(), heads.hashAt(chain, last.position()));
            if (contradiction.isPresent()) {
                LOG.errorf(
                        "audit chain of tenant '%s' no longer matches its anchor, so it is not signed again: %s",
                        chain.tenant(), contradiction.get());
                continue;
            }
            fresh.add(ChainAnchor.sign(key.value(), chain.tenant(), chain.headPosition(), chain.headHash(), now));
        }
        newest.keySet().stream()
                .filter(tenant -> !inDatabase.contains(tenant))
                .forEach(tenant -> LOG.errorf(
                        "audit chain of tenant '%s' was anchored at link %d but is gone from the database",
                        tenant, newest.get(tenant).position()));
        anchors.publish(fresh);
        fresh.forEach(anchor -> newest.put(anchor.tenant(), anchor));
        return fresh;
    }
}
