package io.elasticmesh.audit.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.audit.CutEvents;
import io.elasticmesh.audit.mapping.AuditEventMapper;
import io.elasticmesh.audit.service.ChainAppender;
import io.elasticmesh.auditchain.ExportLines;
import io.elasticmesh.auditchain.ExportVerifier;
import io.elasticmesh.local.quarkus.KafkaTestResource;
import io.elasticmesh.local.quarkus.PostgresTestResource;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.audit.v1.AuditService;
import io.elasticmesh.proto.audit.v1.ClaimReviewItemRequest;
import io.elasticmesh.proto.audit.v1.ClaimReviewItemResponse;
import io.elasticmesh.proto.audit.v1.ExportAuditEventsRequest;
import io.elasticmesh.proto.audit.v1.ExportAuditEventsResponse;
import io.elasticmesh.proto.audit.v1.ExportFormat;
import io.elasticmesh.proto.audit.v1.GetReviewHistoryRequest;
import io.elasticmesh.proto.audit.v1.GetReviewHistoryResponse;
import io.elasticmesh.proto.audit.v1.ListReviewQueueRequest;
import io.elasticmesh.proto.audit.v1.ListReviewQueueResponse;
import io.elasticmesh.proto.audit.v1.RecordVerdictRequest;
import io.elasticmesh.proto.audit.v1.RecordVerdictResponse;
import io.elasticmesh.proto.audit.v1.ReleaseReviewClaimRequest;
import io.elasticmesh.proto.audit.v1.ReviewRouting;
import io.elasticmesh.proto.audit.v1.ReviewService;
import io.elasticmesh.proto.audit.v1.ReviewState;
import io.elasticmesh.proto.audit.v1.VerifyAuditChainRequest;
import io.elasticmesh.proto.audit.v1.VerifyAuditChainResponse;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.grpc.GrpcClientUtils;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The review workflow over gRPC, on a real PostgreSQL server (events stored through the listener's own appender). */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class ReviewGrpcServiceTests {

    @GrpcClient("audit")
    ReviewService anonymous;

    @GrpcClient("audit")
    AuditService anonymousAudit;

    /** Role compliance: every tenant. */
    ReviewService compliance;
    /** Role reviewer of tenant acme, two people. */
    ReviewService acmeReviewer;

    ReviewService acmeReviewer2;
    /** Role reviewer of tenant globex. */
    ReviewService globexReviewer;
    /** Role auditor of tenant acme: reads, does not judge. */
    ReviewService acmeAuditor;
    /** Tenant acme's application key: no review access. */
    ReviewService acmeApp;

    AuditService audit;

    @Inject
    ChainAppender appender;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.flyway.username")
    String owner;

    @BeforeEach
    void authenticate() {
        compliance = withKey(anonymous, "compliance-key");
        acmeReviewer = withKey(anonymous, "acme-reviewer-key");
        acmeReviewer2 = withKey(anonymous, "acme-reviewer2-key");
        globexReviewer = withKey(anonymous, "globex-reviewer-key");
        acmeAuditor = withKey(anonymous, "acme-auditor-key");
        acmeApp = withKey(anonymous, "acme-app-key");
        audit = withKey(anonymousAudit, "compliance-key");
    }

    private static <T> T withKey(T stub, String apiKey) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER), apiKey);
        return GrpcClientUtils.attachHeaders(stub, headers);
    }

    /** Stores {@code count} cut events of {@code tenant} and {@code tier}; returns their request ids in store order. */
    private List<String> store(String tenant, String tier, int count) {
        List<AuditEvent> events = IntStream.range(0, count)
                .mapToObj(i -> CutEvents.event(tenant, tier, "step " + i + ", \"quoted\"\n<script>alert(1)</script>"))
                .toList();
        appender.appendAll(events.stream().map(AuditEventMapper::toRecord).toList());
        return events.stream().map(e -> e.getResponse().getRequestId()).toList();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private static <T> T await(Uni<T> call) {
        return call.await().atMost(Duration.ofSeconds(20));
    }

    private static <T> Throwable failure(Uni<T> call) {
        return call.onItem()
                .transform(reply -> (Throwable) null)
                .onFailure()
                .recoverWithItem(t -> t)
                .await()
                .atMost(Duration.ofSeconds(20));
    }

    private static void assertStatus(Throwable failure, Status.Code code, String messagePart) {
        assertThat(failure).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(messagePart);
        });
    }

    private static ListReviewQueueRequest.Builder queue(String tenant, String tier) {
        return ListReviewQueueRequest.newBuilder().setTenant(tenant).setTier(tier);
    }

    private static List<String> requestIds(ListReviewQueueResponse page) {
        return page.getItemsList().stream()
                .map(item -> item.getEvent().getResponse().getRequestId())
                .toList();
    }

    private static ClaimReviewItemRequest claim(String requestId) {
        return ClaimReviewItemRequest.newBuilder().setRequestId(requestId).build();
    }

    private static RecordVerdictRequest verdict(String requestId, String verdict, String comment) {
        return RecordVerdictRequest.newBuilder()
                .setRequestId(requestId)
                .setVerdict(verdict)
                .setComment(comment)
                .build();
    }

    private static GetReviewHistoryRequest history(String requestId) {
        return GetReviewHistoryRequest.newBuilder().setRequestId(requestId).build();
    }

    private VerifyAuditChainResponse verify(String tenant) {
        return await(audit.verifyAuditChain(
                VerifyAuditChainRequest.newBuilder().setTenant(tenant).build()));
    }

    /** As the schema's owner (a superuser here): what a database administrator can do. */
    private int sql(String statement, Object... params) throws Exception {
        return new OwnerSql(jdbcUrl, owner).update(statement, params);
    }

    private List<String> rows(String query, Object... params) throws Exception {
        return new OwnerSql(jdbcUrl, owner).rows(query, params);
    }

    @Test
    void theQueueFollowsEachItemFromUnreviewedThroughClaimedToReviewedOrEscalated() {
        String tier = unique("tier");
        List<String> ids = store("acme", tier, 3);

        ListReviewQueueResponse all =
                await(acmeReviewer.listReviewQueue(queue("", tier).build()));
        assertThat(requestIds(all)).containsExactly(ids.get(2), ids.get(1), ids.get(0));
        assertThat(all.getCounts().getUnreviewed()).isEqualTo(3);

        ClaimReviewItemResponse claimed = await(acmeReviewer.claimReviewItem(claim(ids.get(0))));
        assertThat(claimed.getClaim().getReviewer()).isEqualTo("acme-reviewer");
        assertThat(claimed.getClaim().getExpiresAt().getSeconds()
                        - claimed.getClaim().getClaimedAt().getSeconds())
                .isEqualTo(Duration.ofMinutes(15).toSeconds());
        await(acmeReviewer.claimReviewItem(claim(ids.get(1))));
        await(acmeReviewer.recordVerdict(verdict(ids.get(1), "escalate", "a second pair of eyes")));
        await(acmeReviewer.claimReviewItem(claim(ids.get(2))));
        await(acmeReviewer.recordVerdict(verdict(ids.get(2), "acceptable", "")));

        ListReviewQueueResponse claimedOnly = await(acmeReviewer.listReviewQueue(
                queue("acme", tier).setState(ReviewState.REVIEW_STATE_CLAIMED).build()));
        assertThat(requestIds(claimedOnly)).containsExactly(ids.get(0));
        assertThat(claimedOnly.getItems(0).getClaim().getReviewer()).isEqualTo("acme-reviewer");
        ListReviewQueueResponse escalated = await(acmeReviewer.listReviewQueue(
                queue("acme", tier).setState(ReviewState.REVIEW_STATE_ESCALATED).build()));
        assertThat(requestIds(escalated)).containsExactly(ids.get(1));
        assertThat(escalated.getItems(0).getLatestVerdict().getVerdict().getVerdict())
                .isEqualTo("escalate");
        assertThat(requestIds(await(acmeReviewer.listReviewQueue(queue("acme", tier)
                        .setState(ReviewState.REVIEW_STATE_REVIEWED)
                        .build()))))
                .containsExactly(ids.get(2));
        assertThat(escalated.getCounts().getUnreviewed()).isZero();
        assertThat(escalated.getCounts().getClaimed()).isEqualTo(1);
        assertThat(escalated.getCounts().getReviewed()).isEqualTo(1);
        assertThat(escalated.getCounts().getEscalated()).isEqualTo(1);

        // An escalated item is claimed again and a later verdict settles it.
        await(acmeReviewer2.claimReviewItem(claim(ids.get(1))));
        await(acmeReviewer2.recordVerdict(verdict(ids.get(1), "answer-wrong", "the total is off by one")));
        GetReviewHistoryResponse history = await(acmeAuditor.getReviewHistory(history(ids.get(1))));
        assertThat(history.getState()).isEqualTo(ReviewState.REVIEW_STATE_REVIEWED);
        assertThat(history.getVerdictsList())
                .extracting(
                        v -> v.getVerdict().getReviewer() + ":" + v.getVerdict().getVerdict())
                .containsExactly("acme-reviewer:escalate", "acme-reviewer2:answer-wrong");
        assertThat(history.getRubricList())
                .extracting(v -> v.getName())
                .containsExactly("acceptable", "answer-wrong", "reasoning-insufficient", "escalate");
    }

    @Test
    void requiredOnlyListsWhatTheTiersReviewRuleSentToAPersonAndCountsOnlyThose() throws Exception {
        String tenant = unique("tenant");
        String tier = unique("tier");
        List<AuditEvent> events = IntStream.range(0, 4)
                .mapToObj(i -> CutEvents.event(tenant, tier, "step " + i).toBuilder()
                        .setReview(
                                ReviewRouting.newBuilder().setRule("sample 0.5").setRequired(i % 2 == 0))
                        .build())
                .toList();
        appender.appendAll(events.stream().map(AuditEventMapper::toRecord).toList());
        String first = events.get(0).getResponse().getRequestId();
        String third = events.get(2).getResponse().getRequestId();
        await(compliance.claimReviewItem(claim(first)));
        await(compliance.recordVerdict(verdict(first, "acceptable", "")));

        ListReviewQueueResponse required = await(compliance.listReviewQueue(
                queue(tenant, tier).setRequiredOnly(true).setOldestFirst(true).build()));
        assertThat(requestIds(required)).containsExactly(first, third);
        assertThat(required.getItemsList())
                .allSatisfy(item ->
                        assertThat(item.getEvent().getReview().getRequired()).isTrue());
        assertThat(required.getCounts().getUnreviewed()).isEqualTo(1);
        assertThat(required.getCounts().getReviewed()).isEqualTo(1);
        ListReviewQueueResponse backlog = await(compliance.listReviewQueue(queue(tenant, tier)
                .setRequiredOnly(true)
                .setState(ReviewState.REVIEW_STATE_UNREVIEWED)
                .build()));
        assertThat(requestIds(backlog)).containsExactly(third);
        assertThat(export(
                        compliance,
                        ExportAuditEventsRequest.newBuilder()
                                .setTenant(tenant)
                                .setTier(tier)
                                .setRequiredOnly(true)
                                .build()))
                .filteredOn(line -> line.contains("\"kind\":\"event\""))
                .hasSize(2)
                .allSatisfy(line -> assertThat(line).containsAnyOf(first, third));
        ListReviewQueueResponse everything =
                await(compliance.listReviewQueue(queue(tenant, tier).build()));
        assertThat(everything.getItemsCount()).isEqualTo(4);
        assertThat(everything.getCounts().getUnreviewed()).isEqualTo(3);

        String token = await(compliance.listReviewQueue(
                        queue(tenant, tier).setRequiredOnly(true).setPageSize(1).build()))
                .getNextPageToken();
        assertStatus(
                failure(compliance.listReviewQueue(
                        queue(tenant, tier).setPageSize(1).setPageToken(token).build())),
                Status.Code.INVALID_ARGUMENT,
                "page_token was issued for other filters");

        // Clearing the mark in the database does not hide the item from verification.
        sql("UPDATE audit_event SET review_required = false WHERE request_id = ?", third);
        VerifyAuditChainResponse chain = verify(tenant);
        assertThat(chain.getIntact()).isFalse();
        assertThat(chain.getFirstBreak().getProblem())
                .contains("review_required")
                .contains("altered");
    }

    @Test
    void keysetPagesCoverTheQueueOnceInEitherOrderAndTokensAreBoundToTheirFilters() {
        String tier = unique("tier");
        List<String> ids = store("acme", tier, 5);

        List<String> seen = new ArrayList<>();
        String token = "";
        do {
            ListReviewQueueResponse page = await(compliance.listReviewQueue(queue("acme", tier)
                    .setOldestFirst(true)
                    .setPageSize(2)
                    .setPageToken(token)
                    .build()));
            assertThat(page.getItemsCount()).isLessThanOrEqualTo(2);
            assertThat(page.getCounts().getUnreviewed()).isEqualTo(5);
            seen.addAll(requestIds(page));
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        assertThat(seen).containsExactlyElementsOf(ids);

        String first = await(compliance.listReviewQueue(
                        queue("acme", tier).setOldestFirst(true).setPageSize(2).build()))
                .getNextPageToken();
        assertStatus(
                failure(compliance.listReviewQueue(
                        queue("acme", tier).setPageSize(2).setPageToken(first).build())),
                Status.Code.INVALID_ARGUMENT,
                "page_token was issued for other filters");
    }

    @Test
    void ofConcurrentClaimsExactlyOneWinsAndTheLoserLearnsWhoHoldsItUntilWhen() throws Exception {
        List<String> ids = store("acme", unique("tier"), 8);
        for (String id : ids) {
            CountDownLatch start = new CountDownLatch(1);
            List<CompletableFuture<Throwable>> claims = new ArrayList<>();
            for (ReviewService reviewer : List.of(acmeReviewer, acmeReviewer2)) {
                claims.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return failure(reviewer.claimReviewItem(claim(id)));
                }));
            }
            start.countDown();
            List<Throwable> outcomes =
                    claims.stream().map(CompletableFuture::join).toList();
            assertThat(outcomes).filteredOn(t -> t == null).hasSize(1);
            Throwable lost =
                    outcomes.stream().filter(t -> t != null).findFirst().orElseThrow();
            String winner = outcomes.get(0) == null ? "acme-reviewer" : "acme-reviewer2";
            assertStatus(lost, Status.Code.FAILED_PRECONDITION, "is claimed by '" + winner + "' until ");
            assertThat(rows(
                            "SELECT reviewer FROM review_claim WHERE event_id = (SELECT event_id FROM audit_event "
                                    + "WHERE request_id = ?)",
                            id))
                    .containsExactly(winner);
        }
    }

    @Test
    void aVerdictNeedsTheCallersLiveClaimAndARubricValueAndEndsTheClaim() throws Exception {
        String id = store("acme", unique("tier"), 1).get(0);

        assertStatus(
                failure(acmeReviewer.recordVerdict(verdict(id, "acceptable", ""))),
                Status.Code.FAILED_PRECONDITION,
                "'acme-reviewer' holds no live claim on request '" + id + "'");
        await(acmeReviewer.claimReviewItem(claim(id)));
        assertStatus(
                failure(acmeReviewer2.recordVerdict(verdict(id, "acceptable", ""))),
                Status.Code.FAILED_PRECONDITION,
                "'acme-reviewer2' holds no live claim");
        assertStatus(
                failure(acmeReviewer.recordVerdict(verdict(id, "looks-fine", ""))),
                Status.Code.INVALID_ARGUMENT,
                "verdict must be one of [acceptable, answer-wrong, reasoning-insufficient, escalate], was "
                        + "'looks-fine'");
        assertStatus(
                failure(acmeReviewer.recordVerdict(verdict(id, "acceptable", "x".repeat(4_001)))),
                Status.Code.INVALID_ARGUMENT,
                "comment must be at most 4000 characters, was 4001");

        // An expired claim is anyone's: the clock is moved by rewriting the claim, as time would.
        sql(
                "UPDATE review_claim SET expires_at = now() - interval '1 second' WHERE reviewer = 'acme-reviewer' "
                        + "AND event_id = (SELECT event_id FROM audit_event WHERE request_id = ?)",
                id);
        assertStatus(
                failure(acmeReviewer.recordVerdict(verdict(id, "acceptable", ""))),
                Status.Code.FAILED_PRECONDITION,
                "expired");
        await(acmeReviewer2.claimReviewItem(claim(id)));
        RecordVerdictResponse recorded = await(
                acmeReviewer2.recordVerdict(verdict(id, "reasoning-insufficient", "the cut came before the key step")));
        assertThat(recorded.getRecorded().getVerdict().getReviewer()).isEqualTo("acme-reviewer2");
        assertThat(recorded.getRecorded().getLink().getHash()).hasSize(64);

        GetReviewHistoryResponse history = await(acmeReviewer.getReviewHistory(history(id)));
        assertThat(history.hasClaim()).isFalse();
        assertThat(history.getVerdictsList()).hasSize(1);
        assertStatus(
                failure(acmeReviewer2.releaseReviewClaim(
                        ReleaseReviewClaimRequest.newBuilder().setRequestId(id).build())),
                Status.Code.FAILED_PRECONDITION,
                "holds no live claim");
    }

    @Test
    void theHistoryNamesTheContinuationsMadeFromTheItemNewestLast() {
        String tier = unique("tier");
        AuditEvent original = CutEvents.event("acme", tier, "thinking");
        String id = original.getResponse().getRequestId();
        List<AuditEvent> continuations = IntStream.range(0, 2)
                .mapToObj(i -> CutEvents.event("acme", tier, "more thinking").toBuilder()
                        .setContinuedRequestId(id)
                        .build())
                .toList();
        appender.appendAll(Stream.concat(Stream.of(original), continuations.stream())
                .map(AuditEventMapper::toRecord)
                .toList());

        assertThat(await(acmeReviewer.getReviewHistory(history(id))).getContinuationRequestIdsList())
                .containsExactly(
                        continuations.get(0).getResponse().getRequestId(),
                        continuations.get(1).getResponse().getRequestId());
        assertThat(await(acmeReviewer.getReviewHistory(
                                history(continuations.get(0).getResponse().getRequestId())))
                        .getContinuationRequestIdsList())
                .isEmpty();
    }

    @Test
    void anotherTenantsItemIsNotFoundHoweverItsIdIsGuessedAndReadersCannotJudge() {
        String tier = unique("tier");
        String acmeItem = store("acme", tier, 1).get(0);

        for (Throwable refused : List.of(
                failure(globexReviewer.claimReviewItem(claim(acmeItem))),
                failure(globexReviewer.recordVerdict(verdict(acmeItem, "acceptable", ""))),
                failure(globexReviewer.getReviewHistory(history(acmeItem))),
                failure(globexReviewer.releaseReviewClaim(ReleaseReviewClaimRequest.newBuilder()
                        .setRequestId(acmeItem)
                        .build())))) {
            assertStatus(refused, Status.Code.NOT_FOUND, "no review item for request '" + acmeItem + "'");
        }
        String unknown = UUID.randomUUID().toString();
        assertStatus(
                failure(globexReviewer.claimReviewItem(claim(unknown))),
                Status.Code.NOT_FOUND,
                "no review item for request '" + unknown + "'");
        assertStatus(
                failure(globexReviewer.listReviewQueue(queue("acme", tier).build())),
                Status.Code.PERMISSION_DENIED,
                "acme");
        assertThat(await(globexReviewer.listReviewQueue(queue("", tier).build()))
                        .getItemsList())
                .isEmpty();

        assertStatus(
                failure(acmeAuditor.claimReviewItem(claim(acmeItem))),
                Status.Code.PERMISSION_DENIED,
                "may read but not judge");
        assertThat(await(acmeAuditor.getReviewHistory(history(acmeItem))).getState())
                .isEqualTo(ReviewState.REVIEW_STATE_UNREVIEWED);
        assertStatus(
                failure(acmeApp.listReviewQueue(queue("", tier).build())),
                Status.Code.PERMISSION_DENIED,
                "needs role 'reviewer'");
    }

    @Test
    void everyReviewCallIsInTheQueryLogAllowedOrNot() throws Exception {
        String id = store("acme", unique("tier"), 1).get(0);
        await(acmeReviewer.getReviewHistory(history(id)));
        failure(globexReviewer.getReviewHistory(history(id)));

        assertThat(rows(
                        "SELECT principal, rpc, outcome FROM audit_query_log WHERE request LIKE ? ORDER BY id",
                        "%" + id + "%"))
                .containsExactly(
                        "acme-reviewer GetReviewHistory allowed",
                        "globex-reviewer GetReviewHistory refused: NOT_FOUND: no review item for request '" + id
                                + "' (only audited requests are reviewed: every request of an `audit: all` tier, "
                                + "cut requests of the others)");
    }

    @Test
    void aVerdictAlteredOrDeletedInPostgresIsReportedByVerifyAuditChain() throws Exception {
        String tenant = unique("t");
        List<String> ids = store(tenant, "standard", 3);
        for (String id : ids) {
            await(compliance.claimReviewItem(claim(id)));
            await(compliance.recordVerdict(verdict(id, "acceptable", "fine")));
        }
        VerifyAuditChainResponse intact = verify(tenant);
        assertThat(intact.getIntact()).isTrue();
        assertThat(intact.getVerdictLinksChecked()).isEqualTo(3);

        sql("UPDATE review_verdict SET comment = 'forged' WHERE tenant = ? AND position = 2", tenant);
        VerifyAuditChainResponse altered = verify(tenant);
        assertThat(altered.getIntact()).isFalse();
        assertThat(altered.getFirstBreak().getChain()).isEqualTo("verdicts");
        assertThat(altered.getFirstBreak().getPosition()).isEqualTo(2);
        assertThat(altered.getFirstBreak().getRequestId()).isEqualTo(ids.get(1));
        assertThat(altered.getFirstBreak().getProblem()).contains("column comment does not match");

        sql("UPDATE review_verdict SET comment = 'fine' WHERE tenant = ? AND position = 2", tenant);
        assertThat(verify(tenant).getIntact()).isTrue();
        sql("DELETE FROM review_verdict WHERE tenant = ? AND position = 3", tenant);
        assertThat(verify(tenant).getFirstBreak().getProblem()).contains("the newest verdicts were deleted");
        sql("DELETE FROM review_verdict WHERE tenant = ? AND position = 1", tenant);
        assertThat(verify(tenant).getFirstBreak().getProblem()).contains("verdict link 1 is missing");
    }

    private List<String> export(ReviewService caller, ExportAuditEventsRequest request) {
        return caller.exportAuditEvents(request)
                .map(ExportAuditEventsResponse::getLine)
                .collect()
                .asList()
                .await()
                .atMost(Duration.ofSeconds(20));
    }

    private static ExportVerifier.Report verifyExport(List<String> lines) {
        return ExportVerifier.verify(ExportLines.read(new StringReader(String.join("\n", lines) + "\n")));
    }

    @Test
    void anExportVerifiesOfflineInEitherFormatAndATamperedOneDoesNot() {
        String tenant = unique("t");
        List<String> ids = store(tenant, "standard", 2);
        store(tenant, "economy", 1);
        await(compliance.claimReviewItem(claim(ids.get(0))));
        await(compliance.recordVerdict(verdict(ids.get(0), "answer-wrong", "off by one, \"clearly\"")));

        for (ExportFormat format : List.of(ExportFormat.EXPORT_FORMAT_JSONL, ExportFormat.EXPORT_FORMAT_CSV)) {
            List<String> lines = export(
                    compliance,
                    ExportAuditEventsRequest.newBuilder()
                            .setTenant(tenant)
                            .setFormat(format)
                            .build());
            ExportVerifier.Report report = verifyExport(lines);
            assertThat(report.problem()).isEmpty();
            assertThat(report.links()).isEqualTo(4);
            assertThat(report.gaps()).isEmpty();

            List<String> tampered = new ArrayList<>(lines);
            int line = format == ExportFormat.EXPORT_FORMAT_CSV ? 1 : 0;
            tampered.set(line, tampered.get(line).replace("step 0", "step 9"));
            assertThat(verifyExport(tampered).problem())
                    .hasValueSatisfying(p -> assertThat(p).contains("its column thinking_text does not match"));
        }

        List<String> standardOnly = export(
                compliance,
                ExportAuditEventsRequest.newBuilder()
                        .setTenant(tenant)
                        .setTier("standard")
                        .build());
        assertThat(standardOnly).hasSize(3);
        assertThat(verifyExport(standardOnly).intact()).isTrue();

        assertStatus(
                failure(acmeReviewer
                        .exportAuditEvents(ExportAuditEventsRequest.getDefaultInstance())
                        .collect()
                        .asList()),
                Status.Code.PERMISSION_DENIED,
                "needs role 'auditor'");
        assertStatus(
                failure(acmeAuditor
                        .exportAuditEvents(ExportAuditEventsRequest.newBuilder()
                                .setTenant(tenant)
                                .build())
                        .collect()
                        .asList()),
                Status.Code.PERMISSION_DENIED,
                tenant);
    }
}
