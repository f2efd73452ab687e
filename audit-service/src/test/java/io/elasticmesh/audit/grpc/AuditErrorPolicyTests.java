package io.elasticmesh.audit.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.elasticmesh.audit.StoredEvent;
import io.elasticmesh.audit.service.AuditQueries;
import io.elasticmesh.identity.Principal;
import io.elasticmesh.local.quarkus.GrpcCalls;
import io.elasticmesh.local.quarkus.HttpGet;
import io.elasticmesh.local.quarkus.KafkaTestResource;
import io.elasticmesh.local.quarkus.PostgresTestResource;
import io.elasticmesh.proto.audit.v1.AuditService;
import io.elasticmesh.proto.audit.v1.AuditServiceGrpc;
import io.elasticmesh.proto.audit.v1.GetAuditEventRequest;
import io.elasticmesh.proto.audit.v1.ListAuditEventsRequest;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.grpc.GrpcClientUtils;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The error policy at audit-service's edge: a failure nobody expected is INTERNAL with a correlation id, bytes that
 * are no request are INVALID_ARGUMENT, a field beyond its limit is INVALID_ARGUMENT naming it, and PostgreSQL
 * stopped under it (its own server, stopped by the last test) is UNAVAILABLE, not UNKNOWN, and turns gRPC health
 * NOT_SERVING.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(AuditErrorPolicyTests.StoppablePostgres.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditErrorPolicyTests {

    /** A PostgreSQL server of this class's own, which a test may stop. */
    public static class StoppablePostgres extends PostgresTestResource {

        static StoppablePostgres running;

        @Override
        public Map<String, String> start() {
            running = this;
            return super.start();
        }

        @Override
        protected String directory() {
            return "postgres-outage";
        }
    }

    @GrpcClient("audit")
    AuditService anonymous;

    private AuditService audit;
    private ManagedChannel channel;

    @BeforeEach
    void connect() {
        audit = GrpcClientUtils.attachHeaders(anonymous, apiKey());
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", 9401)
                .usePlaintext()
                .build();
    }

    private static Metadata apiKey() {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), "compliance-key");
        return headers;
    }

    @AfterEach
    void disconnect() {
        channel.shutdownNow();
    }

    @Test
    @Order(1)
    void anUnexpectedFailureIsInternalWithACorrelationIdAndNoDetail() {
        QuarkusMock.installMockForType(
                new AuditQueries(null, null, null, null, null) {
                    @Override
                    public Optional<StoredEvent> find(Principal caller, String requestId) {
                        throw new IllegalArgumentException("a library's bug, not the caller's");
                    }
                },
                AuditQueries.class);

        Status status = GrpcCalls.failureOf(audit.getAuditEvent(
                GetAuditEventRequest.newBuilder().setRequestId("r-1").build()));

        assertThat(status.getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(status.getDescription())
                .startsWith("internal error, correlation id ")
                .doesNotContain("library");
    }

    @Test
    @Order(2)
    void bytesThatAreNoRequestAreInvalidArgument() {
        Status status = GrpcCalls.sendBytes(
                ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(apiKey())),
                AuditServiceGrpc.getListAuditEventsMethod(),
                new byte[] {0x0a, 0x03, (byte) 0xe2, 0x28, (byte) 0xa1},
                CallOptions.DEFAULT);

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).contains("ListAuditEventsRequest", "invalid UTF-8");
    }

    @Test
    @Order(3)
    void fieldsBeyondTheirLimitsAreRefusedWithoutBeingRepeated() {
        Status tier = GrpcCalls.failureOf(audit.listAuditEvents(
                ListAuditEventsRequest.newBuilder().setTier("t".repeat(129)).build()));
        Status requestId = GrpcCalls.failureOf(audit.getAuditEvent(GetAuditEventRequest.newBuilder()
                .setRequestId("r".repeat(100_000))
                .build()));

        assertThat(tier.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(tier.getDescription()).isEqualTo("tier must be at most 128 characters, was 129");
        assertThat(requestId.getDescription()).isEqualTo("request_id must be at most 128 characters, was 100000");
    }

    @Test
    @Order(3)
    void aPageSizeAboveTwoToTheThirtyFirstIsRefusedAsSent() {
        // Found by HostileInputsIT: uint32 4294967295 reads as -1 in Java and reached SQL as LIMIT -1 (INTERNAL).
        Status status = GrpcCalls.failureOf(audit.listAuditEvents(
                ListAuditEventsRequest.newBuilder().setPageSize(-1).build()));

        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).endsWith("was 4294967295");
    }

    @Test
    @Order(4)
    void anUnknownRequestIdIsEchoedBounded() {
        Status status = GrpcCalls.failureOf(audit.getAuditEvent(
                GetAuditEventRequest.newBuilder().setRequestId("n".repeat(128)).build()));

        assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(status.getDescription()).startsWith("no audit event for request '" + "n".repeat(64) + "… (128 ");
    }

    @Test
    @Order(10)
    void stoppedPostgresIsUnavailableAndTurnsGrpcHealthNotServing() {
        assertThat(GrpcCalls.awaitHealth(channel, "", ServingStatus.SERVING))
                .as(() -> HttpGet.get(8491, "/q/health/ready").body())
                .isEqualTo(ServingStatus.SERVING);

        StoppablePostgres.running.stop();
        Status status = GrpcCalls.failureOf(audit.listAuditEvents(ListAuditEventsRequest.getDefaultInstance()));

        assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(status.getDescription()).startsWith("a dependency is unavailable: ");
        assertThat(GrpcCalls.awaitHealth(channel, "", ServingStatus.NOT_SERVING))
                .isEqualTo(ServingStatus.NOT_SERVING);
    }

    @Test
    @Order(5)
    void healthAndMetricsAnswerOnTheManagementPortNotOnTheClientsPort() {
        HttpGet.assertOperatorEndpointsOnlyOnManagementPort(8401, 8491);
    }
}
