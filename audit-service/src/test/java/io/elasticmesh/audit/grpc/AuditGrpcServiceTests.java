package io.elasticmesh.audit.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import io.elasticmesh.audit.service.AnchorJob;
import io.elasticmesh.audit.service.RetentionJob;
import io.elasticmesh.auditchain.LinkHash;
import io.elasticmesh.local.quarkus.KafkaTestResource;
import io.elasticmesh.local.quarkus.PostgresTestResource;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.audit.v1.AuditService;
import io.elasticmesh.proto.audit.v1.ChainBreak;
import io.elasticmesh.proto.audit.v1.GetAuditEventRequest;
import io.elasticmesh.proto.audit.v1.GetAuditEventResponse;
import io.elasticmesh.proto.audit.v1.GetContinuationRequest;
import io.elasticmesh.proto.audit.v1.GetContinuationResponse;
import io.elasticmesh.proto.audit.v1.ListAuditEventsRequest;
import io.elasticmesh.proto.audit.v1.ListAuditEventsResponse;
import io.elasticmesh.proto.audit.v1.VerifyAuditChainRequest;
import io.elasticmesh.proto.audit.v1.VerifyAuditChainResponse;
import io.elasticmesh.proto.reasoning.v1.AppliedBudget;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.elasticmesh.proto.reasoning.v1.TruncationReason;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.grpc.GrpcClientUtils;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** audit-service fed through a real Kafka broker, storing in a real PostgreSQL server. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class AuditGrpcServiceTests {

    private static final String TOPIC = "elastic.audit.events.v1";

    @GrpcClient("audit")
    AuditService anonymous;

    /** Role compliance: every tenant. */
    AuditService audit;
    /** Role auditor of tenant acme. */
    AuditService acmeAuditor;
    /** Tenant acme's application key: role client, no audit access. */
    AuditService acmeApp;
    /** The router's principal: role continuation, GetContinuation only. */
    AuditService router;

    @Inject
    DataSource db;

    @Inject
    RetentionJob retention;

    @Inject
    AnchorJob anchors;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.flyway.username")
    String owner;

    @BeforeEach
    void authenticate() {
        audit = withKey("compliance-key");
        acmeAuditor = withKey("acme-auditor-key");
        acmeApp = withKey("acme-app-key");
        router = withKey("router-continuation-key");
    }

    private AuditService withKey(String apiKey) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), apiKey);
        return GrpcClientUtils.attachHeaders(anonymous, headers);
    }

    private static String tenant() {
        return "t-" + UUID.randomUUID();
    }

    private static AuditEvent event(String tenant, UnaryOperator<ReasonResponse.Builder> response) {
        String requestId = UUID.randomUUID().toString();
        Instant now = Instant.now();
        return AuditEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setTraceId(UUID.randomUUID().toString().replace("-", ""))
                .setOccurredAt(
                        Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setTenant(tenant)
                .setRequest(ReasonRequest.newBuilder()
                        .setTenant(tenant)
                        .setTier("standard")
                        .addMessages(ChatMessage.newBuilder()
                                .setRole(ChatMessage.Role.ROLE_USER)
                                .setContent("Why?")))
                .setResponse(response.apply(ReasonResponse.newBuilder()
                        .setRequestId(requestId)
                        .setThinkingText("think1 think2 ")
                        .setThinkingTruncated(true)
                        .setTruncationReason(TruncationReason.TRUNCATION_REASON_TOKEN_BUDGET)
                        .setSolutionText("answer")
                        .setBudget(AppliedBudget.newBuilder()
                                .setTier("standard")
                                .setModel("smollm2-135m")
                                .setThinkingBudgetTokens(2)
                                .setSolutionBudgetTokens(8))))
                .build();
    }

    private static AuditEvent event(String tenant) {
        return event(tenant, r -> r);
    }

    /** Sends the events keyed by tenant, as the router does. */
    private void publish(AuditEvent... events) {
        publish(Stream.of(events)
                .map(e -> new ProducerRecord<>(TOPIC, e.getTenant(), e.toByteArray()))
                .toList());
    }

    /** Sends the records in order and flushes once, so that they usually reach the consumer in one poll. */
    private void publish(List<ProducerRecord<String, byte[]>> records) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrapServers, "linger.ms", 50),
                new StringSerializer(),
                new ByteArraySerializer())) {
            records.forEach(producer::send);
            producer.flush();
        }
    }

    private <T> Throwable failure(Uni<T> call) {
        return call.onItem()
                .transform(reply -> (Throwable) null)
                .onFailure()
                .recoverWithItem(t -> t)
                .await()
                .atMost(Duration.ofSeconds(10));
    }

    private GetAuditEventResponse get(String requestId) {
        return audit.getAuditEvent(GetAuditEventRequest.newBuilder()
                        .setRequestId(requestId)
                        .build())
                .await()
                .atMost(Duration.ofSeconds(10));
    }

    private GetAuditEventResponse awaitStored(AuditEvent event) throws InterruptedException {
        String requestId = event.getResponse().getRequestId();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (failure(audit.getAuditEvent(GetAuditEventRequest.newBuilder()
                            .setRequestId(requestId)
                            .build()))
                    == null) {
                return get(requestId);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no audit event for " + requestId + " after 60 s");
    }

    private ListAuditEventsResponse list(ListAuditEventsRequest.Builder request) {
        return audit.listAuditEvents(request.build()).await().atMost(Duration.ofSeconds(10));
    }

    private List<String> requestIds(ListAuditEventsRequest.Builder request) {
        return list(request).getEventsList().stream()
                .map(e -> e.getResponse().getRequestId())
                .toList();
    }

    private static String id(AuditEvent event) {
        return event.getResponse().getRequestId();
    }

    private VerifyAuditChainResponse verify(String tenant) {
        return audit.verifyAuditChain(
                        VerifyAuditChainRequest.newBuilder().setTenant(tenant).build())
                .await()
                .atMost(Duration.ofSeconds(10));
    }

    /** The schema's owner, a superuser here: what a database administrator can do. */
    private Connection asOwner() throws Exception {
        return new OwnerSql(jdbcUrl, owner).connect();
    }

    /** Runs a statement as the owner. */
    private void sql(String statement, Object... params) throws Exception {
        new OwnerSql(jdbcUrl, owner).update(statement, params);
    }

    private static int update(Connection c, String statement, Object... params) throws Exception {
        return OwnerSql.update(c, statement, params);
    }

    /** Rows of a query run as the owner, each row's columns joined by a space. */
    private List<String> rows(String query, Object... params) throws Exception {
        return new OwnerSql(jdbcUrl, owner).rows(query, params);
    }

    private static void assertStatus(Throwable failure, Status.Code code, String messagePart) {
        assertThat(failure).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(messagePart);
        });
    }

    @Test
    void eventPublishedToKafkaIsServedInFullWithItsChainLink() throws Exception {
        AuditEvent event = event(tenant());

        publish(event);

        GetAuditEventResponse stored = awaitStored(event);
        assertThat(stored.getEvent()).isEqualTo(event);
        assertThat(stored.getLink().getPosition()).isEqualTo(1);
        assertThat(stored.getLink().getPrevHash()).isEqualTo("0".repeat(64));
        assertThat(stored.getLink().getHash())
                .hasSize(64)
                .isNotEqualTo(stored.getLink().getPrevHash());
    }

    private static AuditEvent replayOf(AuditEvent event) {
        return event.toBuilder()
                .setResponse(event.getResponse().toBuilder().setThinkingText("replayed"))
                .build();
    }

    @Test
    void redeliveredEventIsStoredOnceAndTheChainHolds() throws Exception {
        String tenant = tenant();
        AuditEvent first = event(tenant);
        AuditEvent marker = event(tenant);
        publish(first);
        awaitStored(first);

        // A replay of an event stored earlier, and one repeated within the same batch.
        publish(replayOf(first), marker, replayOf(marker));

        awaitStored(marker);
        assertThat(requestIds(ListAuditEventsRequest.newBuilder().setTenant(tenant)))
                .containsExactly(id(marker), id(first));
        assertThat(get(id(first)).getEvent().getResponse().getThinkingText()).isEqualTo("think1 think2 ");
        assertThat(get(id(marker)).getEvent().getResponse().getThinkingText()).isEqualTo("think1 think2 ");
        VerifyAuditChainResponse chain = verify(tenant);
        assertThat(chain.getIntact()).isTrue();
        assertThat(chain.getLinksChecked()).isEqualTo(2);
    }

    @Test
    void interleavedTenantsEachExtendTheirOwnChainInArrivalOrder() throws Exception {
        String a = tenant();
        String b = tenant();
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            events.add(event(i % 3 == 0 ? b : a));
        }

        publish(events.toArray(AuditEvent[]::new));

        awaitStored(events.get(events.size() - 1));
        awaitStored(events.get(events.size() - 2));
        for (String tenant : List.of(a, b)) {
            List<AuditEvent> ofTenant =
                    events.stream().filter(e -> e.getTenant().equals(tenant)).toList();
            for (int position = 1; position <= ofTenant.size(); position++) {
                assertThat(awaitStored(ofTenant.get(position - 1)).getLink().getPosition())
                        .isEqualTo(position);
            }
            VerifyAuditChainResponse chain = verify(tenant);
            assertThat(chain.getIntact()).isTrue();
            assertThat(chain.getLinksChecked()).isEqualTo(ofTenant.size());
        }
    }

    @Test
    void recordThatIsNotAnAuditEventIsSkippedAndTheRestOfItsBatchIsStored() throws Exception {
        AuditEvent before = event(tenant());
        AuditEvent after = event(tenant());

        // One key, so all three land in one partition in this order.
        publish(List.of(
                new ProducerRecord<>(TOPIC, "k", before.toByteArray()),
                new ProducerRecord<>(TOPIC, "k", "not a protobuf".getBytes(StandardCharsets.UTF_8)),
                new ProducerRecord<>(TOPIC, "k", after.toByteArray())));

        assertThat(awaitStored(before).getEvent()).isEqualTo(before);
        assertThat(awaitStored(after).getEvent()).isEqualTo(after);
    }

    @Test
    void thinkingWithANulCharacterIsStoredAsGeneratedAndHoldsUpNothing() throws Exception {
        String tenant = tenant();
        // PostgreSQL's text columns refuse U+0000, which a model can generate.
        AuditEvent nul = event(tenant, r -> r.setThinkingText("before\u0000after"));
        AuditEvent after = event(tenant);

        publish(nul, after);

        assertThat(awaitStored(nul).getEvent()).isEqualTo(nul);
        assertThat(awaitStored(after).getEvent()).isEqualTo(after);
        assertThat(verify(tenant).getIntact()).isTrue();
    }

    @Test
    void everyFilterKeepsExactlyTheMatchingEvents() throws Exception {
        String tenant = tenant();
        AuditEvent plain = event(tenant);
        AuditEvent gold =
                event(tenant, r -> r.setBudget(r.getBudget().toBuilder().setTier("gold")));
        AuditEvent otherModel =
                event(tenant, r -> r.setBudget(r.getBudget().toBuilder().setModel("scripted")));
        AuditEvent uncut = event(
                tenant,
                r -> r.setThinkingTruncated(false).setTruncationReason(TruncationReason.TRUNCATION_REASON_UNSPECIFIED));
        AuditEvent deadline = event(tenant, r -> r.setTruncationReason(TruncationReason.TRUNCATION_REASON_DEADLINE));
        AuditEvent needle = event(tenant, r -> r.setThinkingText("the 50% Answer_is NEAR"));
        AuditEvent old = event(tenant).toBuilder()
                .setOccurredAt(Timestamp.newBuilder().setSeconds(1_000))
                .build();
        AuditEvent otherTenant = event(tenant());
        publish(plain, gold, otherModel, uncut, deadline, needle, old, otherTenant);
        awaitStored(otherTenant);
        awaitStored(old);
        ListAuditEventsRequest.Builder mine =
                ListAuditEventsRequest.newBuilder().setTenant(tenant);

        assertThat(requestIds(mine.clone()))
                .containsExactlyInAnyOrder(
                        id(plain), id(gold), id(otherModel), id(uncut), id(deadline), id(needle), id(old));
        assertThat(requestIds(mine.clone().setTier("gold"))).containsExactly(id(gold));
        assertThat(requestIds(mine.clone().setModel("scripted"))).containsExactly(id(otherModel));
        assertThat(requestIds(mine.clone().setCutOnly(true)))
                .doesNotContain(id(uncut))
                .hasSize(6);
        assertThat(requestIds(mine.clone().setTruncationReason(TruncationReason.TRUNCATION_REASON_DEADLINE)))
                .containsExactly(id(deadline));
        assertThat(requestIds(mine.clone().setRequestId(id(gold)))).containsExactly(id(gold));
        assertThat(requestIds(mine.clone().setTraceId(needle.getTraceId()))).containsExactly(id(needle));
        // Case-insensitive, and % and _ are plain characters, not wildcards.
        assertThat(requestIds(mine.clone().setThinkingContains("50% answer_IS")))
                .containsExactly(id(needle));
        assertThat(requestIds(mine.clone().setThinkingContains("5_%"))).isEmpty();
        assertThat(requestIds(mine.clone().setOccurredTo(Timestamp.newBuilder().setSeconds(2_000))))
                .containsExactly(id(old));
        assertThat(requestIds(
                        mine.clone().setOccurredFrom(Timestamp.newBuilder().setSeconds(2_000))))
                .hasSize(6)
                .doesNotContain(id(old));
        assertThat(requestIds(ListAuditEventsRequest.newBuilder().setRequestId(id(otherTenant))))
                .containsExactly(id(otherTenant));
    }

    @Test
    void pagesAreStableWhileNewEventsArrive() throws Exception {
        String tenant = tenant();
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            events.add(event(tenant));
        }
        publish(events.toArray(AuditEvent[]::new));
        awaitStored(events.get(6));
        ListAuditEventsRequest.Builder request =
                ListAuditEventsRequest.newBuilder().setTenant(tenant).setPageSize(3);

        ListAuditEventsResponse first = list(request.clone());
        AuditEvent late = event(tenant);
        publish(late);
        awaitStored(late);
        ListAuditEventsResponse second = list(request.clone().setPageToken(first.getNextPageToken()));
        ListAuditEventsResponse third = list(request.clone().setPageToken(second.getNextPageToken()));

        List<String> paged = new ArrayList<>();
        for (ListAuditEventsResponse page : List.of(first, second, third)) {
            page.getEventsList().forEach(e -> paged.add(e.getResponse().getRequestId()));
        }
        // Newest stored first; the late event does not shift the pages already being read.
        List<String> newestFirst =
                new ArrayList<>(events.stream().map(AuditGrpcServiceTests::id).toList());
        Collections.reverse(newestFirst);
        assertThat(paged).containsExactlyElementsOf(newestFirst);
        assertThat(third.getNextPageToken()).isEmpty();
    }

    @Test
    void malformedQueriesAreRefusedNamingTheField() {
        ListAuditEventsRequest.Builder request =
                ListAuditEventsRequest.newBuilder().setTenant("acme");
        assertStatus(
                failure(audit.listAuditEvents(request.clone().setPageSize(501).build())),
                Status.Code.INVALID_ARGUMENT,
                "page_size");
        // uint32 4294967295 is -1 in Java: refused, and quoted as sent.
        assertStatus(
                failure(audit.listAuditEvents(request.clone().setPageSize(-1).build())),
                Status.Code.INVALID_ARGUMENT,
                "page_size must be between 1 and 500 (0 for ");
        assertStatus(
                failure(audit.listAuditEvents(request.clone().setPageSize(-1).build())),
                Status.Code.INVALID_ARGUMENT,
                "was 4294967295");
        assertStatus(
                failure(audit.listAuditEvents(
                        request.clone().setPageToken("bogus").build())),
                Status.Code.INVALID_ARGUMENT,
                "page_token");
        assertStatus(
                failure(audit.listAuditEvents(
                        request.clone().setThinkingContains("x".repeat(201)).build())),
                Status.Code.INVALID_ARGUMENT,
                "thinking_contains");
        assertStatus(
                failure(audit.listAuditEvents(request.clone()
                        .setOccurredFrom(Timestamp.newBuilder().setSeconds(5))
                        .setOccurredTo(Timestamp.newBuilder().setSeconds(5))
                        .build())),
                Status.Code.INVALID_ARGUMENT,
                "occurred_from");
        assertStatus(
                failure(audit.getAuditEvent(GetAuditEventRequest.getDefaultInstance())),
                Status.Code.INVALID_ARGUMENT,
                "request_id");
        assertStatus(
                failure(audit.getAuditEvent(
                        GetAuditEventRequest.newBuilder().setRequestId("nope").build())),
                Status.Code.NOT_FOUND,
                "nope");
        assertStatus(
                failure(audit.verifyAuditChain(VerifyAuditChainRequest.getDefaultInstance())),
                Status.Code.INVALID_ARGUMENT,
                "tenant");
    }

    @Test
    void pageTokenOfOtherFiltersIsRefused() throws Exception {
        String tenant = tenant();
        AuditEvent a = event(tenant);
        AuditEvent b = event(tenant);
        publish(a, b);
        awaitStored(b);
        String token = list(ListAuditEventsRequest.newBuilder()
                        .setTenant(tenant)
                        .setPageSize(1))
                .getNextPageToken();

        assertStatus(
                failure(audit.listAuditEvents(ListAuditEventsRequest.newBuilder()
                        .setTenant(tenant)
                        .setCutOnly(true)
                        .setPageSize(1)
                        .setPageToken(token)
                        .build())),
                Status.Code.INVALID_ARGUMENT,
                "other filters");
    }

    private List<AuditEvent> storedChain(String tenant, int length) throws Exception {
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            events.add(event(tenant));
        }
        publish(events.toArray(AuditEvent[]::new));
        awaitStored(events.get(length - 1));
        assertThat(verify(tenant).getIntact()).isTrue();
        return events;
    }

    private ChainBreak firstBreak(String tenant) {
        VerifyAuditChainResponse chain = verify(tenant);
        assertThat(chain.getIntact()).isFalse();
        return chain.getFirstBreak();
    }

    @Test
    void alteredColumnIsReportedAtItsLink() throws Exception {
        String tenant = tenant();
        List<AuditEvent> events = storedChain(tenant, 4);

        sql("UPDATE audit_event SET thinking_text = 'nothing to see' WHERE request_id = ?", id(events.get(2)));

        ChainBreak broken = firstBreak(tenant);
        assertThat(broken.getPosition()).isEqualTo(3);
        assertThat(broken.getRequestId()).isEqualTo(id(events.get(2)));
        assertThat(broken.getProblem()).contains("thinking_text").contains("altered");
    }

    @Test
    void aContinuationsHiddenLinkIsReportedAndTheMigrationDerivesItFromThePayload() throws Exception {
        String tenant = tenant();
        AuditEvent original = event(tenant);
        AuditEvent continuation =
                event(tenant).toBuilder().setContinuedRequestId(id(original)).build();
        AuditEvent later = event(tenant);
        publish(original, continuation, later);
        awaitStored(later);
        assertThat(verify(tenant).getIntact()).isTrue();
        // V5 fills the column of rows stored before it from their payload; what it derives is what the store wrote.
        assertThat(rows(
                        "SELECT position, continued_request_id, audit_event_continued_request_id(payload) "
                                + "FROM audit_event WHERE tenant = ? ORDER BY position",
                        tenant))
                .containsExactly("1  ", "2 " + id(original) + " " + id(original), "3  ");

        // Hiding the continuation from the original's history is a column that no longer matches its payload.
        sql("UPDATE audit_event SET continued_request_id = '' WHERE request_id = ?", id(continuation));

        ChainBreak broken = firstBreak(tenant);
        assertThat(broken.getPosition()).isEqualTo(2);
        assertThat(broken.getProblem()).contains("continued_request_id").contains("altered");
    }

    @Test
    void alteredEventBytesAreReportedAtTheirLink() throws Exception {
        String tenant = tenant();
        List<AuditEvent> events = storedChain(tenant, 3);
        AuditEvent forged = events.get(1).toBuilder()
                .setResponse(events.get(1).getResponse().toBuilder().setSolutionText("a nicer answer"))
                .build();

        sql("UPDATE audit_event SET payload = ? WHERE request_id = ?", forged.toByteArray(), id(events.get(1)));

        ChainBreak broken = firstBreak(tenant);
        assertThat(broken.getPosition()).isEqualTo(2);
        assertThat(broken.getProblem()).contains("hash does not match");
    }

    @Test
    void deletedRowIsReportedAsTheMissingLink() throws Exception {
        String tenant = tenant();
        List<AuditEvent> events = storedChain(tenant, 4);

        sql("DELETE FROM audit_event WHERE request_id = ?", id(events.get(1)));

        ChainBreak broken = firstBreak(tenant);
        assertThat(broken.getPosition()).isEqualTo(2);
        assertThat(broken.getProblem()).contains("link 2 is missing");
        assertThat(verify(tenant).getLinksChecked()).isEqualTo(1);
    }

    @Test
    void deletedNewestRowIsReported() throws Exception {
        String tenant = tenant();
        List<AuditEvent> events = storedChain(tenant, 3);

        sql("DELETE FROM audit_event WHERE request_id = ?", id(events.get(2)));

        ChainBreak broken = firstBreak(tenant);
        assertThat(broken.getPosition()).isEqualTo(3);
        assertThat(broken.getProblem()).contains("newest rows were deleted");
    }

    @Test
    void retentionDeletesOldEventsAndTheChainStillVerifiesFromItsCheckpoint() throws Exception {
        // The test profile keeps tenant 'short-lived' for one second.
        List<AuditEvent> old = storedChain("short-lived", 3);
        Thread.sleep(1_100);
        AuditEvent recent = event("short-lived");
        publish(recent);
        awaitStored(recent);

        retention.run(Instant.now());

        assertThat(requestIds(ListAuditEventsRequest.newBuilder().setTenant("short-lived")))
                .containsExactly(id(recent))
                .doesNotContainAnyElementsOf(
                        old.stream().map(AuditGrpcServiceTests::id).toList());
        VerifyAuditChainResponse chain = verify("short-lived");
        assertThat(chain.getIntact()).isTrue();
        assertThat(chain.getLinksRetired()).isEqualTo(3);
        assertThat(chain.getLinksChecked()).isEqualTo(1);

        sql("UPDATE audit_chain SET retired_position = retired_position - 1 WHERE tenant = 'short-lived'");
        assertThat(verify("short-lived").getFirstBreak().getProblem()).contains("checkpoint");
    }

    @Test
    void tierRetentionDeletesExpiredEventsOldestFirstOnly() throws Exception {
        // The test profile keeps tier 'ephemeral' for one second, every other tier for years.
        String tenant = tenant();
        UnaryOperator<ReasonResponse.Builder> ephemeral =
                r -> r.setBudget(r.getBudget().toBuilder().setTier("ephemeral"));
        AuditEvent first = event(tenant, ephemeral);
        AuditEvent second = event(tenant, ephemeral);
        AuditEvent kept = event(tenant);
        AuditEvent behindKept = event(tenant, ephemeral);
        publish(first, second, kept, behindKept);
        awaitStored(behindKept);
        Thread.sleep(1_100);

        retention.run(Instant.now());

        // The chain is only shortened from its start: the expired event behind a kept one waits for it.
        assertThat(requestIds(ListAuditEventsRequest.newBuilder().setTenant(tenant)))
                .containsExactly(id(behindKept), id(kept));
        VerifyAuditChainResponse chain = verify(tenant);
        assertThat(chain.getIntact()).isTrue();
        assertThat(chain.getLinksRetired()).isEqualTo(2);
    }

    @Test
    void configuredPatternsAreRedactedBeforeStorage() throws Exception {
        AuditEvent secret = event(
                        tenant(),
                        r -> r.setThinkingText("user SSN 123-45-6789 and key sk-abcdefghij1")
                                .setSolutionText("call 123-45-6789"))
                .toBuilder()
                .setThinkingPromptText("<|user|>my SSN is 123-45-6789<think>")
                .build();

        publish(secret);

        AuditEvent stored = awaitStored(secret).getEvent();
        assertThat(stored.getResponse().getThinkingText()).isEqualTo("user SSN [REDACTED] and key [REDACTED]");
        assertThat(stored.getResponse().getSolutionText()).isEqualTo("call [REDACTED]");
        assertThat(stored.getThinkingPromptText()).isEqualTo("<|user|>my SSN is [REDACTED]<think>");
        assertThat(requestIds(ListAuditEventsRequest.newBuilder().setThinkingContains("6789")))
                .isEmpty();
        assertThat(verify(secret.getTenant()).getIntact()).isTrue();
    }

    @Test
    void auditorReadsOnlyItsOwnTenant() throws Exception {
        AuditEvent mine = event("acme");
        AuditEvent theirs = event("globex-" + UUID.randomUUID());
        publish(mine, theirs);
        awaitStored(theirs);
        awaitStored(mine);

        List<AuditEvent> listed = acmeAuditor
                .listAuditEvents(ListAuditEventsRequest.getDefaultInstance())
                .await()
                .atMost(Duration.ofSeconds(10))
                .getEventsList();
        assertThat(listed).extracting(AuditEvent::getTenant).containsOnly("acme");
        assertThat(listed).extracting(AuditGrpcServiceTests::id).contains(id(mine));
        assertThat(acmeAuditor
                        .getAuditEvent(GetAuditEventRequest.newBuilder()
                                .setRequestId(id(mine))
                                .build())
                        .await()
                        .atMost(Duration.ofSeconds(10))
                        .getEvent())
                .isEqualTo(mine);
        assertThat(acmeAuditor
                        .verifyAuditChain(VerifyAuditChainRequest.newBuilder()
                                .setTenant("acme")
                                .build())
                        .await()
                        .atMost(Duration.ofSeconds(10))
                        .getIntact())
                .isTrue();

        assertStatus(
                failure(acmeAuditor.listAuditEvents(ListAuditEventsRequest.newBuilder()
                        .setTenant(theirs.getTenant())
                        .build())),
                Status.Code.PERMISSION_DENIED,
                "may not access tenant");
        // Another tenant's event is answered exactly as one that does not exist: its tenant is not revealed.
        Throwable hidden = failure(acmeAuditor.getAuditEvent(
                GetAuditEventRequest.newBuilder().setRequestId(id(theirs)).build()));
        Throwable missing = failure(acmeAuditor.getAuditEvent(GetAuditEventRequest.newBuilder()
                .setRequestId(id(theirs).replace('-', '0'))
                .build()));
        assertStatus(hidden, Status.Code.NOT_FOUND, id(theirs));
        assertThat(((StatusRuntimeException) hidden).getStatus().getDescription())
                .isEqualTo(((StatusRuntimeException) missing)
                        .getStatus()
                        .getDescription()
                        .replace(id(theirs).replace('-', '0'), id(theirs)))
                .doesNotContain(theirs.getTenant());
        assertStatus(
                failure(acmeAuditor.verifyAuditChain(VerifyAuditChainRequest.newBuilder()
                        .setTenant(theirs.getTenant())
                        .build())),
                Status.Code.PERMISSION_DENIED,
                "may not access tenant");
    }

    private GetContinuationResponse continuation(AuditService caller, String requestId) {
        return caller.getContinuation(GetContinuationRequest.newBuilder()
                        .setRequestId(requestId)
                        .build())
                .await()
                .atMost(Duration.ofSeconds(10));
    }

    @Test
    void theRoutersContinuationRoleReadsWhatContinuingNeedsOfEveryTenantAndNothingElse() throws Exception {
        AuditEvent theirs = event("globex-" + UUID.randomUUID()).toBuilder()
                .setThinkingPromptText("<|user|>Why?<think>")
                .build();
        publish(theirs);
        awaitStored(theirs);

        GetContinuationResponse read = continuation(router, id(theirs));
        assertThat(read.getTenant()).isEqualTo(theirs.getTenant());
        assertThat(read.getRequest()).isEqualTo(theirs.getRequest());
        assertThat(read.getThinkingPromptText()).isEqualTo("<|user|>Why?<think>");
        assertThat(read.getThinkingText()).isEqualTo("think1 think2 ");
        assertThat(read.getThinkingTruncated()).isTrue();
        assertThat(read.getTruncationReason()).isEqualTo(TruncationReason.TRUNCATION_REASON_TOKEN_BUDGET);
        assertThat(read.getBudget()).isEqualTo(theirs.getResponse().getBudget());
        assertStatus(
                failure(router.getContinuation(GetContinuationRequest.newBuilder()
                        .setRequestId("no-such-request")
                        .build())),
                Status.Code.NOT_FOUND,
                "no-such-request");

        // Nothing else: not the events, not the listing, not the chain.
        assertStatus(
                failure(router.getAuditEvent(GetAuditEventRequest.newBuilder()
                        .setRequestId(id(theirs))
                        .build())),
                Status.Code.PERMISSION_DENIED,
                "needs role 'auditor'");
        assertStatus(
                failure(router.listAuditEvents(ListAuditEventsRequest.getDefaultInstance())),
                Status.Code.PERMISSION_DENIED,
                "needs role 'auditor'");
        // The audit roles read it as they read the event: an auditor of another tenant finds nothing.
        assertThat(continuation(audit, id(theirs)).getThinkingText()).isEqualTo("think1 think2 ");
        assertStatus(
                failure(acmeAuditor.getContinuation(GetContinuationRequest.newBuilder()
                        .setRequestId(id(theirs))
                        .build())),
                Status.Code.NOT_FOUND,
                id(theirs));
        assertStatus(
                failure(acmeApp.getContinuation(GetContinuationRequest.newBuilder()
                        .setRequestId(id(theirs))
                        .build())),
                Status.Code.PERMISSION_DENIED,
                "needs role 'auditor'");
    }

    @Test
    void complianceReadsAcrossTenants() throws Exception {
        AuditEvent acme = event("acme");
        AuditEvent other = event(tenant());
        publish(acme, other);
        awaitStored(other);
        awaitStored(acme);

        assertThat(requestIds(ListAuditEventsRequest.newBuilder().setPageSize(500)))
                .contains(id(acme), id(other));
    }

    @Test
    void callersWithoutAnAuditRoleOrKeyAreRefused() throws Exception {
        AuditEvent stored = event("acme");
        publish(stored);
        awaitStored(stored);

        assertStatus(
                failure(acmeApp.listAuditEvents(ListAuditEventsRequest.getDefaultInstance())),
                Status.Code.PERMISSION_DENIED,
                "needs role 'auditor'");
        // Refused before anything is looked up: whether the event exists makes no difference.
        assertStatus(
                failure(acmeApp.getAuditEvent(GetAuditEventRequest.newBuilder()
                        .setRequestId(id(stored))
                        .build())),
                Status.Code.PERMISSION_DENIED,
                "needs role 'auditor'");
        assertStatus(
                failure(acmeApp.getAuditEvent(GetAuditEventRequest.newBuilder()
                        .setRequestId("no-such-id")
                        .build())),
                Status.Code.PERMISSION_DENIED,
                "needs role 'auditor'");
        assertStatus(
                failure(anonymous.listAuditEvents(ListAuditEventsRequest.getDefaultInstance())),
                Status.Code.UNAUTHENTICATED,
                "x-api-key");
        assertStatus(
                failure(withKey("guessed").listAuditEvents(ListAuditEventsRequest.getDefaultInstance())),
                Status.Code.UNAUTHENTICATED,
                "unknown API key");
    }

    @Test
    void everyQueryIsRecordedWithItsOutcome() throws Exception {
        String tenant = tenant();
        failure(acmeAuditor.listAuditEvents(
                ListAuditEventsRequest.newBuilder().setTenant(tenant).build()));
        list(ListAuditEventsRequest.newBuilder().setTenant(tenant));

        List<String> log = rows(
                "SELECT principal, rpc, outcome FROM audit_query_log WHERE request LIKE ? ORDER BY id",
                "%" + tenant + "%");
        assertThat(log).hasSize(2);
        assertThat(log.get(0)).startsWith("acme-auditor ListAuditEvents refused: PERMISSION_DENIED");
        assertThat(log.get(1)).isEqualTo("compliance-officer ListAuditEvents allowed");
    }

    private List<String> queryLogAfter(long id, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            // Refusals before authentication are recorded off the event loop, moments after the reply.
            List<String> log = rows(
                    "SELECT principal, principal_tenant, roles, rpc, request, outcome, peer "
                            + "FROM audit_query_log WHERE id > ? ORDER BY id",
                    id);
            if (log.size() >= expected || System.nanoTime() > deadline) {
                return log;
            }
            Thread.sleep(100);
        }
    }

    @Test
    void refusedQueriesAreRecordedAuthenticatedOrNotAndNeverWithTheKey() throws Exception {
        long before = Long.parseLong(
                rows("SELECT coalesce(max(id), 0) FROM audit_query_log").get(0));

        failure(anonymous.listAuditEvents(ListAuditEventsRequest.getDefaultInstance()));
        failure(withKey("guessed-key-4711")
                .verifyAuditChain(
                        VerifyAuditChainRequest.newBuilder().setTenant("acme").build()));
        failure(audit.getAuditEvent(GetAuditEventRequest.getDefaultInstance()));
        failure(audit.listAuditEvents(
                ListAuditEventsRequest.newBuilder().setPageSize(501).build()));
        failure(audit.getAuditEvent(GetAuditEventRequest.newBuilder()
                .setRequestId("no-such-request")
                .build()));
        failure(acmeApp.verifyAuditChain(
                VerifyAuditChainRequest.newBuilder().setTenant("acme").build()));

        List<String> log = queryLogAfter(before, 6);
        assertThat(log)
                .hasSize(6)
                .noneMatch(row -> row.contains("guessed-key-4711"))
                .allMatch(row -> row.matches(".* /?127\\.0\\.0\\.1:\\d+$"));
        // principal, its tenant and roles (empty when unauthenticated), RPC, request, outcome, then the peer
        assertThat(List.of(
                        "   ListAuditEvents  refused: UNAUTHENTICATED: missing x-api-key",
                        "   VerifyAuditChain  refused: UNAUTHENTICATED: unknown API key",
                        "compliance-officer ops compliance GetAuditEvent  refused: INVALID_ARGUMENT: request_id must be set",
                        "compliance-officer ops compliance ListAuditEvents page_size: 501 refused: INVALID_ARGUMENT: page_size",
                        "compliance-officer ops compliance GetAuditEvent request_id: \"no-such-request\" refused: NOT_FOUND",
                        "acme-app acme client VerifyAuditChain tenant: \"acme\" refused: PERMISSION_DENIED"))
                .allSatisfy(entry -> assertThat(log).anyMatch(row -> row.startsWith(entry)));
    }

    @Test
    void theServiceRoleCannotChangeOrDeleteEvents() throws Exception {
        String tenant = tenant();
        List<AuditEvent> events = storedChain(tenant, 2);

        try (Connection c = db.getConnection()) {
            assertThat(c.getMetaData().getUserName()).isEqualTo("audit_service");
            for (String statement : List.of(
                    "UPDATE audit_event SET thinking_text = 'x' WHERE tenant = ?",
                    "DELETE FROM audit_event WHERE tenant = ?",
                    "UPDATE audit_chain SET retired_position = 1 WHERE tenant = ?",
                    "DELETE FROM audit_chain WHERE tenant = ?",
                    "DELETE FROM audit_query_log WHERE principal = ?",
                    "TRUNCATE audit_event")) {
                Object[] params = statement.contains("?") ? new Object[] {tenant} : new Object[0];
                assertThatThrownBy(() -> update(c, statement, params))
                        .as(statement)
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("permission denied");
            }
            // Its head may only move forward, even for the role that moves it.
            assertThatThrownBy(() -> update(c, "UPDATE audit_chain SET head_position = 1 WHERE tenant = ?", tenant))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("only moves forward");
            // Retention's own path refuses events younger than the floor (1 s in tests), whatever it is asked. The
            // owner dates the events an hour ahead, so they stay younger however slowly this test runs.
            try (Connection owner = asOwner()) {
                owner.setAutoCommit(false);
                update(owner, "SET LOCAL session_replication_role = replica");
                update(owner, "UPDATE audit_event SET stored_at = now() + interval '1 hour' WHERE tenant = ?", tenant);
                owner.commit();
            }
            String head = rows("SELECT hash FROM audit_event WHERE tenant = ? AND position = 2", tenant)
                    .get(0);
            assertThatThrownBy(() -> update(c, "SELECT audit_retire(?, 2, ?, 'mac')", tenant, head))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("minimum retention");
        }
        assertThat(requestIds(ListAuditEventsRequest.newBuilder().setTenant(tenant)))
                .hasSize(events.size());
        assertThat(verify(tenant).getIntact()).isTrue();
    }

    /** What an administrator could do: replace a payload and recompute every later hash and the head. */
    private void rewriteWithRecomputedHashes(String tenant, long position, byte[] payload) throws Exception {
        try (Connection c = asOwner()) {
            c.setAutoCommit(false);
            update(c, "SET LOCAL session_replication_role = replica");
            List<String> links = rows(
                    "SELECT position, prev_hash, payload FROM audit_event WHERE tenant = ? " + "ORDER BY position",
                    tenant);
            String prev = links.get(0).split(" ")[1];
            for (long at = 1; at <= links.size(); at++) {
                byte[] bytes;
                if (at == position) {
                    bytes = payload;
                    update(
                            c,
                            "UPDATE audit_event SET payload = ? WHERE tenant = ? AND position = ?",
                            payload,
                            tenant,
                            at);
                } else {
                    bytes = storedPayload(c, tenant, at);
                }
                String hash = LinkHash.of(prev, bytes);
                update(
                        c,
                        "UPDATE audit_event SET prev_hash = ?, hash = ? WHERE tenant = ? AND position = ?",
                        prev,
                        hash,
                        tenant,
                        at);
                prev = hash;
            }
            update(c, "UPDATE audit_chain SET head_hash = ? WHERE tenant = ?", prev, tenant);
            c.commit();
        }
    }

    private static byte[] storedPayload(Connection c, String tenant, long position) throws Exception {
        try (PreparedStatement s =
                c.prepareStatement("SELECT payload FROM audit_event WHERE tenant = ? AND " + "position = ?")) {
            s.setString(1, tenant);
            s.setLong(2, position);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getBytes(1);
            }
        }
    }

    @Test
    void anAdministratorsRewriteWithRecomputedHashesIsReportedAgainstTheAnchor() throws Exception {
        String tenant = tenant();
        List<AuditEvent> events = storedChain(tenant, 3);
        anchors.run(Instant.now());
        assertThat(verify(tenant).getAnchoredPosition()).isEqualTo(3);
        AuditEvent forged = events.get(0).toBuilder()
                .setResponse(events.get(0).getResponse().toBuilder().setSolutionText("a nicer answer"))
                .build();

        rewriteWithRecomputedHashes(tenant, 1, forged.toByteArray());

        ChainBreak broken = firstBreak(tenant);
        assertThat(broken.getPosition()).isEqualTo(3);
        assertThat(broken.getProblem()).contains("anchored").contains("rewritten");
        // The anchor job refuses to vouch for the rewritten chain.
        assertThat(anchors.run(Instant.now()))
                .noneMatch(anchor -> anchor.tenant().equals(tenant));
        assertThat(firstBreak(tenant).getPosition()).isEqualTo(3);
    }

    @Test
    void aTenantsDeletedRowsAndChainRowAreReportedAgainstTheAnchor() throws Exception {
        String tenant = tenant();
        storedChain(tenant, 2);
        anchors.run(Instant.now());

        sql("DELETE FROM audit_event WHERE tenant = ?", tenant);
        sql("DELETE FROM audit_chain WHERE tenant = ?", tenant);

        ChainBreak broken = firstBreak(tenant);
        assertThat(broken.getPosition()).isEqualTo(2);
        assertThat(broken.getProblem()).contains("no chain").contains("deleted");
    }

    @Test
    void aChainRewoundByAnAdministratorIsReportedAgainstTheAnchor() throws Exception {
        String tenant = tenant();
        List<AuditEvent> events = storedChain(tenant, 3);
        anchors.run(Instant.now());
        String second = get(id(events.get(1))).getLink().getHash();

        try (Connection c = asOwner()) {
            c.setAutoCommit(false);
            update(c, "SET LOCAL session_replication_role = replica");
            update(c, "DELETE FROM audit_event WHERE tenant = ? AND position = 3", tenant);
            update(c, "UPDATE audit_chain SET head_position = 2, head_hash = ? WHERE tenant = ?", second, tenant);
            c.commit();
        }

        ChainBreak broken = firstBreak(tenant);
        assertThat(broken.getPosition()).isEqualTo(3);
        assertThat(broken.getProblem()).contains("newest links were deleted");
    }
}
