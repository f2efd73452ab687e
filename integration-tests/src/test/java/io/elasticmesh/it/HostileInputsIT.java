package io.elasticmesh.it;

import static io.elasticmesh.it.SharedMesh.scripted;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.elasticmesh.local.LocalMesh;
import io.elasticmesh.local.quarkus.GrpcCalls;
import io.elasticmesh.proto.audit.v1.AuditServiceGrpc;
import io.elasticmesh.proto.audit.v1.ListAuditEventsRequest;
import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.DecoderServiceGrpc;
import io.elasticmesh.proto.reasoning.v1.GenerateSolutionRequest;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingRequest;
import io.elasticmesh.proto.reasoning.v1.ListTiersRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.RouterAdminGrpc;
import io.elasticmesh.proto.reasoning.v1.SolutionServiceGrpc;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A corpus of hostile requests sent as raw bytes to every RPC of every service's gRPC port (router and admin,
 * decoder, solution, audit) on the shared mesh: random bytes, strings that are not UTF-8, huge strings, missing
 * fields, negative and huge numbers, unknown enum values, deeply nested and huge repeated fields, a request above
 * the 4 MiB limit, bad metadata. Every answer must be a status the README documents, never UNKNOWN or INTERNAL,
 * and every service must stay healthy: gRPC health SERVING and a normal request answered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputsIT {

    /** The statuses the README's error table documents for a request a caller got wrong. */
    private static final Set<Status.Code> DOCUMENTED = Set.of(
            Status.Code.OK,
            Status.Code.INVALID_ARGUMENT,
            Status.Code.NOT_FOUND,
            Status.Code.OUT_OF_RANGE,
            Status.Code.PERMISSION_DENIED,
            Status.Code.UNAUTHENTICATED,
            Status.Code.RESOURCE_EXHAUSTED,
            Status.Code.DEADLINE_EXCEEDED);

    private static final int FIELDS = 12;

    private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();
    private LocalMesh mesh;
    private Metadata auditKey;

    @BeforeAll
    void connect() {
        mesh = SharedMesh.mesh();
        for (String service : List.of("budget-router", "decoder-service", "solution-service", "audit-service")) {
            channels.put(
                    service,
                    ManagedChannelBuilder.forAddress("127.0.0.1", mesh.grpcPort(service))
                            .usePlaintext()
                            .build());
        }
        auditKey = key(mesh.auditApiKey());
    }

    @AfterAll
    void disconnect() {
        channels.values().forEach(ManagedChannel::shutdownNow);
    }

    private static Metadata key(String value) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), value);
        return headers;
    }

    private static Channel with(Channel channel, Metadata headers) {
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /** Every RPC, with the channel that reaches it (audit-service's with a valid key: past authentication). */
    private Map<MethodDescriptor<?, ?>, Channel> everyRpc() {
        Map<MethodDescriptor<?, ?>, Channel> rpcs = new LinkedHashMap<>();
        add(rpcs, BudgetRouterGrpc.getServiceDescriptor(), channels.get("budget-router"));
        add(rpcs, RouterAdminGrpc.getServiceDescriptor(), channels.get("budget-router"));
        add(rpcs, DecoderServiceGrpc.getServiceDescriptor(), channels.get("decoder-service"));
        add(rpcs, SolutionServiceGrpc.getServiceDescriptor(), channels.get("solution-service"));
        add(rpcs, AuditServiceGrpc.getServiceDescriptor(), with(channels.get("audit-service"), auditKey));
        return rpcs;
    }

    private static void add(Map<MethodDescriptor<?, ?>, Channel> rpcs, ServiceDescriptor service, Channel channel) {
        service.getMethods().forEach(method -> rpcs.put(method, channel));
    }

    /** Named request bodies that no well-behaved client sends. */
    private static Map<String, byte[]> corpus() {
        Map<String, byte[]> corpus = new LinkedHashMap<>();
        Random random = new Random(2026);
        for (int i = 0; i < 8; i++) {
            byte[] bytes = new byte[1 + random.nextInt(i < 4 ? 16 : 4096)];
            random.nextBytes(bytes);
            corpus.put("random bytes #" + i, bytes);
        }
        corpus.put("missing fields (empty message)", new byte[0]);
        byte[] notUtf8 = {(byte) 0xc3, 0x28, (byte) 0xff, (byte) 0xfe};
        byte[] huge = "x".repeat(300_000).getBytes();
        for (int field = 1; field <= FIELDS; field++) {
            final int f = field;
            corpus.put("field " + f + ": not UTF-8", message(out -> out.writeByteArray(f, notUtf8)));
            corpus.put("field " + f + ": 300 KB string", message(out -> out.writeByteArray(f, huge)));
            // A google.protobuf.Timestamp (or any message) with out-of-range seconds and negative nanos.
            byte[] timestamp = message(out -> {
                out.writeInt64(1, Long.MAX_VALUE);
                out.writeInt32(2, -1);
            });
            corpus.put("field " + f + ": a timestamp out of range", message(out -> out.writeByteArray(f, timestamp)));
            for (long number : new long[] {-1, Integer.MAX_VALUE, 0xFFFF_FFFFL, Long.MAX_VALUE, 99}) {
                // Also an unknown enum value (99) or a negative one wherever the field is an enum.
                corpus.put("field " + f + ": varint " + number, message(out -> out.writeInt64(f, number)));
            }
        }
        byte[] nested = message(out -> out.writeByteArray(1, "x".getBytes()));
        for (int depth = 0; depth < 200; depth++) {
            byte[] inner = nested;
            nested = message(out -> out.writeByteArray(1, inner));
        }
        corpus.put("field 1 nested 200 deep", nested);
        byte[] oneMessage = ChatMessage.newBuilder()
                .setRole(ChatMessage.Role.ROLE_USER)
                .setContent("hi")
                .build()
                .toByteArray();
        for (int field : new int[] {1, 3}) {
            corpus.put("field " + field + " repeated 20,000 times", message(out -> {
                for (int i = 0; i < 20_000; i++) {
                    out.writeByteArray(field, oneMessage);
                }
            }));
        }
        corpus.put(
                "a ReasonRequest of 300 messages",
                ReasonRequest.newBuilder(scripted("think=1").build())
                        .addAllMessages(Collections.nCopies(
                                300,
                                ChatMessage.newBuilder()
                                        .setRole(ChatMessage.Role.ROLE_USER)
                                        .setContent("more")
                                        .build()))
                        .build()
                        .toByteArray());
        corpus.put("5 MiB (above the 4 MiB limit)", message(out -> out.writeByteArray(1, new byte[5 << 20])));
        return corpus;
    }

    private interface Writer {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Writer writer) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            writer.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Status send(Channel channel, MethodDescriptor<?, ?> method, byte[] request) {
        return GrpcCalls.sendBytes(
                channel, method, request, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
    }

    @Test
    void everyRpcAnswersEveryHostileRequestWithADocumentedStatusAndTheMeshStaysHealthy() {
        Map<String, byte[]> corpus = corpus();
        List<String> undocumented = new ArrayList<>();
        int sent = 0;
        for (Map.Entry<MethodDescriptor<?, ?>, Channel> rpc : everyRpc().entrySet()) {
            for (Map.Entry<String, byte[]> request : corpus.entrySet()) {
                Status status = send(rpc.getValue(), rpc.getKey(), request.getValue());
                sent++;
                if (!DOCUMENTED.contains(status.getCode())) {
                    undocumented.add(rpc.getKey().getFullMethodName() + " <- " + request.getKey() + ": "
                            + status.getCode() + " " + status.getDescription());
                }
                if (request.getKey().startsWith("5 MiB")) {
                    assertThat(status.getCode())
                            .as(rpc.getKey().getFullMethodName())
                            .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                }
            }
        }

        assertThat(undocumented).as(sent + " hostile requests").isEmpty();
        assertServicesHealthy();
    }

    @Test
    void badMetadataIsRefusedWithADocumentedStatus() {
        Channel audit = channels.get("audit-service");
        byte[] list = ListAuditEventsRequest.getDefaultInstance().toByteArray();
        MethodDescriptor<?, ?> method = AuditServiceGrpc.getListAuditEventsMethod();

        assertThat(send(audit, method, list).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(send(with(audit, key("not-a-key")), method, list).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(send(with(audit, key("k".repeat(7_000))), method, list).getCode())
                .isEqualTo(Status.Code.UNAUTHENTICATED);
        Metadata odd = key(mesh.auditApiKey());
        odd.put(Metadata.Key.of("grpc-accept-encoding", Metadata.ASCII_STRING_MARSHALLER), "zzz, no-such-codec");
        odd.put(Metadata.Key.of("x-tenant-bin", Metadata.BINARY_BYTE_MARSHALLER), new byte[] {(byte) 0xff, 0});
        assertThat(send(with(audit, odd), method, list).getCode()).isIn(DOCUMENTED);
        assertThat(send(
                                with(channels.get("budget-router"), odd),
                                BudgetRouterGrpc.getReasonMethod(),
                                scripted("think=1 answer=1").build().toByteArray())
                        .getCode())
                .isEqualTo(Status.Code.OK);
        assertServicesHealthy();
    }

    private void assertServicesHealthy() {
        channels.forEach((service, channel) -> assertThat(GrpcCalls.awaitHealth(channel, "", ServingStatus.SERVING))
                .as(service)
                .isEqualTo(ServingStatus.SERVING));
        Channel router = channels.get("budget-router");
        assertThat(send(
                                router,
                                BudgetRouterGrpc.getReasonMethod(),
                                scripted("think=2 answer=2").build().toByteArray())
                        .getCode())
                .isEqualTo(Status.Code.OK);
        assertThat(send(
                                router,
                                RouterAdminGrpc.getListTiersMethod(),
                                ListTiersRequest.getDefaultInstance().toByteArray())
                        .getCode())
                .isEqualTo(Status.Code.OK);
        ChatMessage user = ChatMessage.newBuilder()
                .setRole(ChatMessage.Role.ROLE_USER)
                .setContent("Q [[script think=2 close=yes answer=2]]")
                .build();
        assertThat(send(
                                channels.get("decoder-service"),
                                DecoderServiceGrpc.getGenerateThinkingMethod(),
                                GenerateThinkingRequest.newBuilder()
                                        .setRequestId("healthy")
                                        .setModel("scripted")
                                        .setThinkingBudgetTokens(4)
                                        .addMessages(user)
                                        .build()
                                        .toByteArray())
                        .getCode())
                .isEqualTo(Status.Code.OK);
        assertThat(send(
                                channels.get("solution-service"),
                                SolutionServiceGrpc.getGenerateSolutionMethod(),
                                GenerateSolutionRequest.newBuilder()
                                        .setRequestId("healthy")
                                        .setModel("scripted")
                                        .setPromptText(
                                                "<|im_start|>user\nQ [[script answer=2]]<|im_end|>\n<|im_start|>assistant\n"
                                                        + "<think>\n")
                                        .setSolutionBudgetTokens(4)
                                        .build()
                                        .toByteArray())
                        .getCode())
                .isEqualTo(Status.Code.OK);
        assertThat(send(
                                with(channels.get("audit-service"), auditKey),
                                AuditServiceGrpc.getListAuditEventsMethod(),
                                ListAuditEventsRequest.getDefaultInstance().toByteArray())
                        .getCode())
                .isEqualTo(Status.Code.OK);
    }
}
