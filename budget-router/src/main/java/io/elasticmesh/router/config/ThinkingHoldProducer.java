package io.elasticmesh.router.config;

import io.elasticmesh.router.ThinkingHold;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The router's store of cut requests, sized by {@code router.continuation.*}. */
public class ThinkingHoldProducer {

    @Produces
    @ApplicationScoped
    ThinkingHold thinkingHold(RouterConfig config) {
        return new ThinkingHold(
                config.continuation().hold(),
                config.continuation().maxRequests(),
                config.continuation().maxBytes(),
                System::nanoTime);
    }
}
