package io.elasticmesh.inference.triton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elasticmesh.proto.inference.GRPCInferenceServiceGrpc;
import io.elasticmesh.proto.inference.ModelInferRequest;
import io.elasticmesh.proto.inference.ModelStreamInferResponse;
import io.elasticmesh.proto.inference.MutinyGRPCInferenceServiceGrpc;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two Triton instances (in-process gRPC servers that record what reaches them): where each phase goes. */
class TritonInstancesTests {

    private static final List<String> TARGETS = List.of("127.0.0.1:7001", "127.0.0.1:7002");

    private final Map<String, List<String>> received = new ConcurrentHashMap<>();
    private final List<Server> servers = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    @AfterEach
    void stop() {
        channels.forEach(ManagedChannel::shutdownNow);
        servers.forEach(Server::shutdownNow);
    }

    private TritonInstances instances() throws IOException {
        for (String target : TARGETS) {
            List<String> ids = received.computeIfAbsent(target, t -> new CopyOnWriteArrayList<>());
            servers.add(InProcessServerBuilder.forName(target)
                    .directExecutor()
                    .addService(new GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase() {
                        @Override
                        public StreamObserver<ModelInferRequest> modelStreamInfer(
                                StreamObserver<ModelStreamInferResponse> responses) {
                            return new StreamObserver<>() {
                                @Override
                                public void onNext(ModelInferRequest request) {
                                    ids.add(request.getId());
                                }

                                @Override
                                public void onError(Throwable t) {}

                                @Override
                                public void onCompleted() {
                                    responses.onCompleted();
                                }
                            };
                        }
                    })
                    .build()
                    .start());
        }
        return new TritonInstances(TARGETS, Duration.ofMinutes(1).toNanos(), address -> {
            ManagedChannel channel =
                    InProcessChannelBuilder.forName(address).directExecutor().build();
            channels.add(channel);
            return new TritonGenerator(MutinyGRPCInferenceServiceGrpc.newMutinyStub(channel));
        });
    }

    private static void send(TritonInstances instances, String requestId) {
        GenerationRequest request =
                new GenerationRequest(requestId, "scripted", VllmContract.INSTANCE, "hi", 4, List.of(), 0.0);
        instances.forKey(request.affinityKey()).stream(request, Deadline.after(10, TimeUnit.SECONDS))
                .collect()
                .asList()
                .onFailure()
                .recoverWithItem(List.of())
                .await()
                .indefinitely();
    }

    @Test
    void bothPhasesOfARequestReachTheSameInstanceAndRequestsSpreadOverAll() throws IOException {
        TritonInstances instances = instances();

        for (int i = 0; i < 40; i++) {
            send(instances, "request-" + i + ":thinking");
            send(instances, "request-" + i + ":solution");
        }

        assertThat(received.values()).allSatisfy(ids -> assertThat(ids).isNotEmpty());
        for (List<String> ids : received.values()) {
            for (String id : ids) {
                String request = id.substring(0, id.lastIndexOf(':'));
                assertThat(ids)
                        .as("both phases of " + request + " on one instance")
                        .contains(request + ":thinking", request + ":solution");
            }
        }
        assertThat(received.values().stream().mapToInt(List::size).sum()).isEqualTo(80);
    }

    @Test
    void aTargetWithoutAPortIsRefusedByName() {
        assertThatThrownBy(() -> new TritonInstances(List.of("triton-instances"), 1))
                .hasMessageContaining("'triton-instances' must be host:port");
    }
}
