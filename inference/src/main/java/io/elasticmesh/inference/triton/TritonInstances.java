package io.elasticmesh.inference.triton;

import io.elasticmesh.proto.inference.MutinyGRPCInferenceServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Several Triton instances, one generator each, chosen per request by {@link RendezvousHash} on the request's
 * affinity key. Each target is {@code host:port}; a host that resolves to several addresses (a Kubernetes headless
 * Service) counts each address as an instance. Addresses are resolved again at most every {@code refreshNanos}.
 */
public final class TritonInstances implements AutoCloseable {

    private final List<String> targets;
    private final long refreshNanos;
    private final Function<String, TritonGenerator> connect;
    private final Map<String, TritonGenerator> generators = new ConcurrentHashMap<>();
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private volatile TreeSet<String> addresses = new TreeSet<>();
    private volatile long resolvedAt;

    /** Instances reached over plaintext gRPC channels of their own. */
    public TritonInstances(List<String> targets, long refreshNanos) {
        this(targets, refreshNanos, null);
    }

    /** @param connect makes the generator of one {@code ip:port}; null for plaintext gRPC channels */
    TritonInstances(List<String> targets, long refreshNanos, Function<String, TritonGenerator> connect) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("at least one Triton instance (host:port) is needed");
        }
        targets.forEach(TritonInstances::port);
        this.targets = List.copyOf(targets);
        this.refreshNanos = refreshNanos;
        this.connect = connect != null ? connect : this::channel;
    }

    /** The generator of the instance {@code affinityKey} belongs to. */
    public TritonGenerator forKey(String affinityKey) {
        return generators.computeIfAbsent(RendezvousHash.pick(affinityKey, current()), connect);
    }

    private TreeSet<String> current() {
        long now = System.nanoTime();
        if (addresses.isEmpty() || now - resolvedAt > refreshNanos) {
            TreeSet<String> resolved = new TreeSet<>();
            for (String target : targets) {
                int port = port(target);
                try {
                    for (InetAddress address : InetAddress.getAllByName(target.substring(0, target.lastIndexOf(':')))) {
                        resolved.add(address.getHostAddress() + ":" + port);
                    }
                } catch (UnknownHostException e) {
                    // A target that does not resolve now is skipped; the others still serve.
                }
            }
            if (resolved.isEmpty()) {
                throw new UncheckedIOException(new UnknownHostException("no Triton instance resolves: " + targets));
            }
            addresses = resolved;
            resolvedAt = now;
        }
        return addresses;
    }

    private static int port(String target) {
        int colon = target.lastIndexOf(':');
        try {
            return Integer.parseInt(target.substring(colon + 1));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("Triton instance '" + target + "' must be host:port");
        }
    }

    private TritonGenerator channel(String address) {
        int colon = address.lastIndexOf(':');
        ManagedChannel channel = ManagedChannelBuilder.forAddress(
                        address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)))
                .usePlaintext()
                .build();
        channels.put(address, channel);
        return new TritonGenerator(MutinyGRPCInferenceServiceGrpc.newMutinyStub(channel));
    }

    @Override
    public void close() {
        channels.values().forEach(ManagedChannel::shutdown);
        for (ManagedChannel channel : channels.values()) {
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
