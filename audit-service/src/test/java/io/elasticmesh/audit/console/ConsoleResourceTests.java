package io.elasticmesh.audit.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.audit.CutEvents;
import io.elasticmesh.audit.grpc.OwnerSql;
import io.elasticmesh.audit.mapping.AuditEventMapper;
import io.elasticmesh.audit.service.ChainAppender;
import io.elasticmesh.local.quarkus.KafkaTestResource;
import io.elasticmesh.local.quarkus.PostgresTestResource;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The console's pages over HTTP on a real PostgreSQL, signed in as a person whose token carries roles and a tenant
 * claim (quarkus-test-security-oidc stands in for the provider's token; the browser IT signs in at a real one).
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class ConsoleResourceTests {

    /** Markup, a script and Qute syntax that a page must show as text. */
    static final String HOSTILE = "<script>alert('x')</script><b>bold</b> {view.person.name} {#include base}{/include}";

    private static final Pattern CSRF = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"");

    @Inject
    ChainAppender appender;

    @TestHTTPResource("/")
    URI root;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.flyway.username")
    String owner;

    private final HttpClient http = HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    @Test
    @TestSecurity(user = "acme-reviewer", roles = "reviewer")
    @OidcSecurity(claims = @Claim(key = "tenant", value = "acme"))
    void aReviewerSeesItsTenantsQueueAndItemsAsInertText() throws Exception {
        String tier = unique("console");
        String acme = store("acme", tier, HOSTILE);
        String globex = store("globex", tier, "globex's secret thinking");

        HttpResponse<String> queue = get("/console/queue?tier=" + tier);
        assertThat(queue.statusCode()).isEqualTo(200);
        assertThat(queue.body()).contains(acme).doesNotContain(globex);
        // Asking for another tenant's queue is refused; every tenant's is compliance's alone.
        assertThat(get("/console/queue?tenant=globex").statusCode()).isEqualTo(403);

        HttpResponse<String> item = get("/console/items/" + acme);
        assertThat(item.statusCode()).isEqualTo(200);
        assertThat(item.body())
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;")
                .contains("{view.person.name} {#include base}{/include}")
                .doesNotContain("<script>alert")
                .contains("id=\"cut-marker\"")
                .contains("link holds")
                .contains("of 2 thinking tokens used · reason TOKEN_BUDGET");

        // A guessed id of another tenant's item reads exactly like one that does not exist.
        HttpResponse<String> guessed = get("/console/items/" + globex);
        HttpResponse<String> missing = get("/console/items/" + UUID.randomUUID());
        assertThat(guessed.statusCode()).isEqualTo(404);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(guessed.body()).doesNotContain("globex's secret thinking");

        // The overview: this tier's one audited acme request, cut, without a verdict; globex's is not counted.
        String overview = get("/console/overview").body();
        assertThat(overview)
                .containsPattern("<td>" + tier + "</td><td>\\d{4}-\\d{2}-\\d{2}</td><td>1</td><td>1</td>")
                .contains("<td>" + tier + "</td><td>1</td>");
        assertThat(get("/console/overview?tenant=globex").statusCode()).isEqualTo(403);

        assertThat(queryLog("acme-reviewer", "/console/items/" + globex))
                .singleElement()
                .satisfies(row -> assertThat(row).contains("console GET").contains("refused: 404"));
        assertThat(queryLog("acme-reviewer", "/console/items/" + acme))
                .singleElement()
                .satisfies(row ->
                        assertThat(row).contains("acme").contains("reviewer").endsWith("allowed"));
    }

    @Test
    @TestSecurity(user = "acme-reviewer2", roles = "reviewer")
    @OidcSecurity(claims = @Claim(key = "tenant", value = "acme"))
    void aFormPostedWithoutItsCsrfTokenIsRefusedAndWithItClaimsAndJudges() throws Exception {
        String acme = store("acme", unique("csrf"), "thinking");
        String page = get("/console/items/" + acme).body();
        Matcher token = CSRF.matcher(page);
        assertThat(token.find()).as("the claim form carries a CSRF token").isTrue();

        assertThat(post("/console/items/" + acme + "/claim", "").statusCode()).isEqualTo(400);
        assertThat(post("/console/items/" + acme + "/claim", "csrf-token=forged")
                        .statusCode())
                .isEqualTo(400);
        assertThat(get("/console/items/" + acme).body()).contains(">UNREVIEWED<");

        String csrf = "csrf-token=" + URLEncoder.encode(token.group(1), StandardCharsets.UTF_8);
        assertThat(post("/console/items/" + acme + "/claim", csrf).statusCode()).isEqualTo(303);
        assertThat(get("/console/items/" + acme).body()).contains(">CLAIMED<").contains("acme-reviewer2 until");

        String verdict = csrf + "&verdict=answer-wrong&comment=" + URLEncoder.encode(HOSTILE, StandardCharsets.UTF_8);
        assertThat(post("/console/items/" + acme + "/verdict", verdict).statusCode())
                .isEqualTo(303);
        String judged = get("/console/items/" + acme).body();
        assertThat(judged).contains(">REVIEWED<").contains("answer-wrong").doesNotContain("<script>alert");

        String unknown = csrf + "&verdict=fine";
        HttpResponse<String> refused = post("/console/items/" + acme + "/verdict", unknown);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("verdict").contains("must be one of");

        // Think more is checked before the router is asked.
        HttpResponse<String> none = post("/console/items/" + acme + "/think-more", csrf + "&extra=0");
        assertThat(none.statusCode()).isEqualTo(400);
        assertThat(none.body()).contains("extra_thinking_tokens");
    }

    @Test
    @TestSecurity(user = "acme-reviewer3", roles = "reviewer")
    @OidcSecurity(claims = @Claim(key = "tenant", value = "acme"))
    void anItemsHistoryListsItsContinuationsNewestLast() throws Exception {
        String tier = unique("continued");
        AuditEvent original = CutEvents.event("acme", tier, "first thinking");
        String originalId = original.getResponse().getRequestId();
        AuditEvent first = continuation(original);
        AuditEvent second = continuation(original);
        appender.appendAll(List.of(
                AuditEventMapper.toRecord(original),
                AuditEventMapper.toRecord(first),
                AuditEventMapper.toRecord(CutEvents.event("acme", tier, "unrelated")),
                AuditEventMapper.toRecord(second)));

        String page = get("/console/items/" + originalId).body();
        Matcher links = Pattern.compile("class=\"continuation-link\" href=\"/console/items/([^\"]+)\"")
                .matcher(page);
        List<String> listed = links.results().map(m -> m.group(1)).toList();
        assertThat(listed)
                .containsExactly(
                        first.getResponse().getRequestId(), second.getResponse().getRequestId());
        // The continuation's own page links back to the original and lists none of its own.
        String continued =
                get("/console/items/" + first.getResponse().getRequestId()).body();
        assertThat(continued).contains("id=\"continues\" href=\"/console/items/" + originalId + "\"");
        assertThat(continued).doesNotContain("class=\"continuation-link\"");
    }

    private static AuditEvent continuation(AuditEvent original) {
        AuditEvent event = CutEvents.event(
                original.getTenant(), original.getResponse().getBudget().getTier(), "more");
        return event.toBuilder()
                .setContinuedRequestId(original.getResponse().getRequestId())
                .build();
    }

    @Test
    @TestSecurity(user = "acme-auditor", roles = "auditor")
    @OidcSecurity(claims = @Claim(key = "tenant", value = "acme"))
    void anAuditorReadsButNeitherJudgesNorSeesOtherTenants() throws Exception {
        String acme = store("acme", unique("auditor"), "thinking");
        String globex = store("globex", unique("auditor"), "thinking");
        String page = get("/console/items/" + acme).body();
        assertThat(page).doesNotContain("id=\"claim-form\"");
        assertThat(get("/console/items/" + globex).statusCode()).isEqualTo(404);
        HttpResponse<String> export = get("/console/export?format=jsonl&tenant=acme");
        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.body()).contains(acme).doesNotContain(globex);
        assertThat(get("/console/export?format=csv&tenant=globex").statusCode()).isEqualTo(403);
    }

    @Test
    void withoutSignInNothingIsShown() throws Exception {
        HttpResponse<String> queue = get("/console/queue");
        assertThat(queue.statusCode()).isEqualTo(401);
        assertThat(queue.body()).doesNotContain("Review queue");
    }

    private String store(String tenant, String tier, String thinking) {
        AuditEvent event = CutEvents.event(tenant, tier, thinking);
        appender.appendAll(List.of(AuditEventMapper.toRecord(event)));
        return event.getResponse().getRequestId();
    }

    private List<String> queryLog(String principal, String path) throws Exception {
        return new OwnerSql(jdbcUrl, owner)
                .rows(
                        "SELECT principal, principal_tenant, roles, rpc, request, outcome FROM audit_query_log "
                                + "WHERE principal = ? AND request = ?",
                        principal,
                        path);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(root.resolve(path))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String form) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(root.resolve(path))
                        .timeout(Duration.ofSeconds(20))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
