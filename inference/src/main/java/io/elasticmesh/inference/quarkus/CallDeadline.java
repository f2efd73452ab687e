package io.elasticmesh.inference.quarkus;

import io.grpc.Context;
import io.grpc.Deadline;
import java.util.concurrent.TimeUnit;

/** The deadline a service works under: the caller's gRPC deadline, or the configured default when it set none. */
public final class CallDeadline {

    private CallDeadline() {}

    public static Deadline current(InferenceConfig config) {
        Deadline incoming = Context.current().getDeadline();
        return incoming != null
                ? incoming
                : Deadline.after(config.defaultDeadline().toMillis(), TimeUnit.MILLISECONDS);
    }
}
