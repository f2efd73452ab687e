package io.elasticmesh.cli;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.stub.AbstractStub;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** A channel to one service, and what every call on it carries: the API key (when there is one) and a deadline. */
final class Connection implements AutoCloseable {

    private final ManagedChannel channel;
    private final String apiKey;
    private final Duration timeout;

    Connection(ManagedChannel channel, String apiKey, Duration timeout) {
        this.channel = channel;
        this.apiKey = apiKey;
        this.timeout = timeout;
    }

    /** A stub for one call: its deadline runs from now. */
    <S extends AbstractStub<S>> S stub(Function<Channel, S> newStub) {
        S stub = newStub.apply(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return apiKey == null ? stub : ApiKeys.attach(stub, apiKey);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
