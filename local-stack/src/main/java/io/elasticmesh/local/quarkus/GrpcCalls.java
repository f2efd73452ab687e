package io.elasticmesh.local.quarkus;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.smallrye.mutiny.Uni;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Test support for gRPC clients: Mutiny calls, and raw bytes sent as a request. */
public final class GrpcCalls {

    /** A request or reply as the bytes on the wire, whatever they are. */
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private GrpcCalls() {}

    /** Awaits a call that must fail and returns its status; a successful reply fails the test. */
    public static Status failureOf(Uni<?> call) {
        Throwable failure = call.onItem()
                .transform(reply -> (Throwable) null)
                .onFailure()
                .recoverWithItem(t -> t)
                .await()
                .atMost(Duration.ofSeconds(60));
        if (!(failure instanceof StatusRuntimeException e)) {
            throw new AssertionError("expected the call to fail with a gRPC status, got " + failure);
        }
        return e.getStatus();
    }

    /**
     * grpc.health.v1 Check of {@code service} ("" for the server) until it says {@code wanted} or a minute passes;
     * returns the last status seen (UNKNOWN while unreachable).
     */
    public static ServingStatus awaitHealth(Channel channel, String service, ServingStatus wanted) {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
        HealthCheckRequest request =
                HealthCheckRequest.newBuilder().setService(service).build();
        ServingStatus seen = ServingStatus.UNKNOWN;
        for (long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(1); System.nanoTime() < end; ) {
            try {
                seen = health.withDeadlineAfter(5, TimeUnit.SECONDS)
                        .check(request)
                        .getStatus();
            } catch (StatusRuntimeException unreachable) {
                seen = ServingStatus.UNKNOWN;
            }
            if (seen == wanted) {
                break;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return seen;
    }

    /**
     * Sends {@code request} as the bytes of one request message to {@code method} (unary or server streaming) and
     * returns how the call ended: OK when the server answered (every streamed reply read), its status otherwise.
     */
    public static Status sendBytes(
            Channel channel, MethodDescriptor<?, ?> method, byte[] request, CallOptions options) {
        MethodDescriptor<byte[], byte[]> raw = method.toBuilder(BYTES, BYTES).build();
        CallOptions bounded = options.getDeadline() == null ? options.withDeadlineAfter(60, TimeUnit.SECONDS) : options;
        try {
            if (method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING) {
                ClientCalls.blockingServerStreamingCall(channel, raw, bounded, request)
                        .forEachRemaining(reply -> {});
            } else {
                ClientCalls.blockingUnaryCall(channel, raw, bounded, request);
            }
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }
}
