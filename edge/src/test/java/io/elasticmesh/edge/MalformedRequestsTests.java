package io.elasticmesh.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real grpc-java server with the parse-in-call binary log, fed bytes that are not a SimpleRequest. */
class MalformedRequestsTests {

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
    private static final MethodDescriptor<byte[], byte[]> RAW_UNARY =
            SimpleServiceGrpc.getUnaryRpcMethod().toBuilder(BYTES, BYTES).build();

    private final List<String> methodsSeenByInterceptor = new ArrayList<>();
    private final List<String> handled = new ArrayList<>();
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void start() throws IOException {
        ServerInterceptor recorder = new ServerInterceptor() {
            @Override
            public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
                    ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
                methodsSeenByInterceptor.add(call.getMethodDescriptor().getFullMethodName() + " "
                        + call.getMethodDescriptor()
                                .getRequestMarshaller()
                                .getClass()
                                .getSimpleName());
                return next.startCall(call, headers);
            }
        };
        SimpleServiceGrpc.SimpleServiceImplBase service = new SimpleServiceGrpc.SimpleServiceImplBase() {
            @Override
            public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> reply) {
                handled.add(request.getRequestMessage());
                reply.onNext(SimpleResponse.newBuilder()
                        .setResponseMessage("hi " + request.getRequestMessage())
                        .build());
                reply.onCompleted();
            }
        };
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name)
                .addService(ServerInterceptors.intercept(service, recorder))
                .setBinaryLog(new MalformedRequests.ParseInCall())
                .build()
                .start();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    private Status send(byte[] bytes) {
        try {
            ClientCalls.blockingUnaryCall(channel, RAW_UNARY, CallOptions.DEFAULT, bytes);
            return Status.OK;
        } catch (StatusRuntimeException e) {
            return e.getStatus();
        }
    }

    @Test
    void aStringFieldThatIsNotUtf8IsInvalidArgumentNamingTheProblem() {
        // Field 1 (request_message), length-delimited, 2 bytes that are not UTF-8.
        Status status = send(new byte[] {0x0a, 0x02, (byte) 0xc3, (byte) 0x28});

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription())
                .isEqualTo("the request is not a valid SimpleRequest: Protocol message had invalid UTF-8.");
        assertThat(handled).isEmpty();
    }

    @Test
    void randomBytesAreInvalidArgumentAndNeverReachTheHandler() {
        Random random = new Random(12);
        int refused = 0;
        for (int i = 0; i < 200; i++) {
            byte[] bytes = new byte[1 + random.nextInt(64)];
            random.nextBytes(bytes);
            Status status = send(bytes);
            // Some random bytes happen to be a valid message (unknown fields are allowed): those are answered.
            assertThat(status.getCode()).isIn(Status.Code.OK, Status.Code.INVALID_ARGUMENT);
            refused += status.isOk() ? 0 : 1;
        }
        assertThat(refused).isPositive();
        assertThat(handled).hasSize(200 - refused);
    }

    @Test
    void aValidRequestIsAnsweredAndInterceptorsSeeTheOriginalMethod() {
        Status status = send(
                SimpleRequest.newBuilder().setRequestMessage("mesh").build().toByteArray());

        assertThat(status.getCode()).isEqualTo(Status.Code.OK);
        assertThat(handled).containsExactly("mesh");
        assertThat(methodsSeenByInterceptor)
                .singleElement()
                .asString()
                .startsWith("grpc.testing.SimpleService/UnaryRpc")
                .doesNotContain("PassThrough");
    }

    @Test
    void theServerStillAnswersAfterMalformedRequests() {
        send(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});

        assertThat(SimpleServiceGrpc.newBlockingStub(channel)
                        .unaryRpc(SimpleRequest.newBuilder()
                                .setRequestMessage("again")
                                .build())
                        .getResponseMessage())
                .isEqualTo("hi again");
    }
}
