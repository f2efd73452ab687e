package io.elasticmesh.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.cli.Context;
import io.elasticmesh.cli.MeshCli;
import io.elasticmesh.local.Browser;
import io.elasticmesh.local.KeycloakProcess;
import io.elasticmesh.local.LocalMesh;
import io.elasticmesh.local.PostgresProcess;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The review console in Debian's Chromium on the whole mesh: people sign in at a real Keycloak (OpenID Connect), a
 * request the router cut is reviewed in the pages, and an export downloaded from them verifies offline. Screenshots
 * of the queue and an item go to docs/console/ for the README.
 */
class ConsoleIT {

    /** Markup, a script and Qute syntax in a conversation: shown as text, never run or evaluated. */
    private static final String HOSTILE = "<script>document.title='pwned'</script><img src=x onerror=alert(1)> "
            + "{view.person.name} {#include base}{/include}";

    private static LocalMesh mesh;
    /** The query log's last row before this test: the database outlives a run, so earlier runs' rows are there. */
    private long queryLogBefore;

    @BeforeAll
    static void signIn() {
        mesh = SharedMesh.mesh();
        mesh.startSignIn(0);
    }

    @BeforeEach
    void markTheQueryLog() throws SQLException {
        try (Connection c = DriverManager.getConnection(mesh.auditJdbcUrl(), PostgresProcess.USER, "");
                ResultSet r = c.createStatement().executeQuery("SELECT coalesce(max(id), 0) FROM audit_query_log")) {
            r.next();
            queryLogBefore = r.getLong(1);
        }
    }

    @Test
    void aReviewerSignsInFindsTheCutRequestClaimsItAndRecordsAVerdict() throws Exception {
        String tier = "scripted";
        ReasonResponse cut = SharedMesh.routerStub()
                .reason(request("acme", "close=no answer=3").build());
        assertThat(cut.getThinkingTruncated()).isTrue();
        ReasonResponse other = SharedMesh.routerStub()
                .reason(request("globex", "close=no answer=2").build());

        try (Browser browser = Browser.start()) {
            ChromeDriver page = browser.driver();
            page.manage().window().setSize(new Dimension(1400, 1200));
            page.get(mesh.consoleUrl());
            signInAs(page, KeycloakProcess.REVIEWER);
            assertThat(page.findElement(By.id("who")).getText())
                    .contains("rita")
                    .contains("acme");

            // The queue, filtered: the cut request shows once audit-service has stored it from Kafka.
            String filtered = mesh.consoleUrl() + "/queue?tenant=acme&tier=" + tier + "&reason=TOKEN_BUDGET";
            awaitRow(page, filtered, cut.getRequestId());
            assertThat(page.getPageSource()).doesNotContain(other.getRequestId());
            screenshot(page, "console-queue.png");

            open(page, By.linkText(cut.getRequestId()));
            assertThat(page.findElement(By.id("thinking")).getText()).isEqualTo(cut.getThinkingText());
            assertThat(page.findElement(By.id("cut-marker")).getText())
                    .contains("10 of 10 thinking tokens used")
                    .contains("reason TOKEN_BUDGET")
                    .contains("forced end-of-thinking delimiters: 1");
            assertThat(page.findElement(By.id("answer")).getText()).isEqualTo(cut.getSolutionText());
            // The hostile conversation is text on the page: no script ran, no element was made of it.
            assertThat(page.findElement(By.cssSelector(".message pre")).getText())
                    .contains(HOSTILE);
            assertThat(page.getTitle()).doesNotContain("pwned");
            assertThat(page.findElements(By.cssSelector("main img"))).isEmpty();

            open(page, By.id("claim-button"));
            assertThat(page.findElement(By.id("state")).getText()).isEqualTo("CLAIMED");
            assertThat(page.findElement(By.id("claim")).getText()).contains("rita");

            page.findElement(By.cssSelector("input[name=verdict][value=reasoning-insufficient]"))
                    .click();
            page.findElement(By.id("comment")).sendKeys("the cut came before the key step");
            open(page, By.id("verdict-button"));
            assertThat(page.findElement(By.id("state")).getText()).isEqualTo("REVIEWED");
            assertThat(page.findElement(By.cssSelector("#history tr.verdict")).getText())
                    .contains("rita")
                    .contains("reasoning-insufficient")
                    .contains("the cut came before the key step");
            assertThat(page.findElement(By.id("chain")).getText()).startsWith("link holds");
            screenshot(page, "console-item.png");
            assertThat(browser.consoleErrors()).isEmpty();

            // Think more: the router continues the cut request with 6 more thinking tokens.
            page.findElement(By.id("extra")).clear();
            page.findElement(By.id("extra")).sendKeys("6");
            open(page, By.id("think-more-button"));
            assertThat(page.findElement(By.id("earlier-thinking")).getText()).isEqualTo(cut.getThinkingText());
            String more = page.findElement(By.id("new-thinking")).getText();
            assertThat(more)
                    .startsWith(cut.getThinkingText())
                    .hasSizeGreaterThan(cut.getThinkingText().length());
            assertThat(page.findElement(By.id("new-answer")).getText()).isEqualTo(cut.getSolutionText());
            // The continuation is audited as its own item, which names the request it continued.
            String continued = page.findElement(By.id("new-request")).getText();
            awaitRow(page, mesh.consoleUrl() + "/queue?tenant=acme&tier=" + tier, continued);
            open(page, By.linkText(continued));
            assertThat(page.findElement(By.id("continues")).getText()).isEqualTo(cut.getRequestId());
            // And the original's history lists it, a link to its item.
            open(page, By.id("continues"));
            assertThat(page.findElements(By.cssSelector("#continuations a.continuation-link")))
                    .extracting(WebElement::getText)
                    .containsExactly(continued);

            // The overview counts the verdict on the tier.
            page.get(mesh.consoleUrl() + "/overview");
            assertThat(page.findElement(By.id("verdicts")).getText()).contains("scripted reasoning-insufficient");

            // Another tenant's item, its id guessed: answered as if it did not exist.
            page.get(mesh.consoleUrl() + "/items/" + other.getRequestId());
            assertThat(page.findElement(By.id("error")).getText()).contains("NOT_FOUND");
            assertThat(page.getPageSource())
                    .doesNotContain(other.getThinkingText().substring(0, 10) + "</pre>");

            // Who read what: the reviewer's views, and the refusal, are rows of the query log.
            assertThat(queryLog("rita", "/console/queue?tenant=acme&tier=" + tier + "&reason=TOKEN_BUDGET"))
                    .contains("console GET allowed");
            assertThat(queryLog("rita", "/console/items/" + cut.getRequestId())).contains("console GET allowed");
            assertThat(queryLog("rita", "/console/items/" + cut.getRequestId() + "/claim"))
                    .containsExactly("console POST allowed");
            assertThat(queryLog("rita", "/console/items/" + other.getRequestId()))
                    .singleElement()
                    .satisfies(row -> assertThat(row).startsWith("console GET refused: 404"));
        }
    }

    @Test
    void anAuditorExportsItsTenantAndTheExportVerifiesOffline() throws Exception {
        ReasonResponse cut = SharedMesh.routerStub()
                .reason(request("acme", "close=no answer=1").build());
        try (Browser browser = Browser.start()) {
            ChromeDriver page = browser.driver();
            page.get(mesh.consoleUrl());
            signInAs(page, KeycloakProcess.AUDITOR);
            awaitRow(page, mesh.consoleUrl() + "/queue?tenant=acme", cut.getRequestId());
            // An auditor reads and exports, but does not judge.
            open(page, By.linkText(cut.getRequestId()));
            assertThat(page.findElements(By.id("claim-form"))).isEmpty();
            page.navigate().back();

            String exportUrl = page.findElement(By.id("export-jsonl")).getAttribute("href");
            HttpResponse<String> export = send(HttpRequest.newBuilder(URI.create(exportUrl)), cookies(page));
            assertThat(export.statusCode()).isEqualTo(200);
            assertThat(export.body()).contains(cut.getRequestId());
            URI exported = URI.create(exportUrl);
            assertThat(queryLog("alice", exported.getRawPath() + "?" + exported.getRawQuery()))
                    .containsExactly("console GET allowed");
            assertThat(queryLog("alice", "/console/items/" + cut.getRequestId()))
                    .contains("console GET allowed");
            Path file = Files.createTempFile("console-export", ".jsonl");
            Files.writeString(file, export.body());
            StringWriter out = new StringWriter();
            int status = MeshCli.execute(
                    new Context(
                            new PrintWriter(out, true),
                            new PrintWriter(new StringWriter(), true),
                            Map.of(),
                            Context::plaintext),
                    "audit",
                    "verify-export",
                    file.toString());
            assertThat(status).as(out.toString()).isZero();
            assertThat(out.toString()).contains("intact");

            // Signing out ends the session here and at the provider: the console asks for a sign-in again.
            page.get(mesh.consoleUrl() + "/sign-out");
            page.get(mesh.consoleUrl() + "/queue");
            assertThat(page.findElements(By.id("username"))).isNotEmpty();
        }
    }

    @Test
    void aSessionEndsWithItsTokenAndAFormPostedWithItIsRefused() throws Exception {
        ReasonResponse cut = SharedMesh.routerStub()
                .reason(request("acme", "close=no answer=4").build());
        KeycloakProcess keycloak = mesh.keycloak();
        // Tokens for the console live 10 s from now on (the realm's are 5 minutes).
        keycloak.setConsoleTokenLifespan(Duration.ofSeconds(10));
        try (Browser browser = Browser.start()) {
            ChromeDriver page = browser.driver();
            page.get(mesh.consoleUrl());
            signInAs(page, KeycloakProcess.REVIEWER);
            awaitRow(page, mesh.consoleUrl() + "/queue?tenant=acme", cut.getRequestId());
            // A session of known age: signed out, then in again right before the item is read.
            String item = mesh.consoleUrl() + "/items/" + cut.getRequestId();
            page.get(mesh.consoleUrl() + "/sign-out");
            page.get(item);
            signInAs(page, KeycloakProcess.REVIEWER);
            String csrf = page.findElement(By.cssSelector("#claim-form input[name=csrf-token]"))
                    .getAttribute("value");
            String cookies = cookies(page);
            assertThat(send(HttpRequest.newBuilder(URI.create(item)), cookies).statusCode())
                    .isEqualTo(200);
            // The session cookie (split in chunks when the tokens are large) is out of scripts' and other sites' reach.
            assertThat(page.manage().getCookies())
                    .filteredOn(c -> c.getName().startsWith("q_session"))
                    .isNotEmpty()
                    .allSatisfy(c -> {
                        assertThat(c.isHttpOnly()).isTrue();
                        assertThat(c.getSameSite()).isEqualTo("Strict");
                    });

            Thread.sleep(Duration.ofSeconds(15).toMillis()); // past the token's lifespan

            // The same cookies: a page asks for a sign-in at the provider, a form is not acted on.
            String signIn = keycloak.realmUrl() + "/protocol/openid-connect/auth?";
            HttpResponse<String> view = send(HttpRequest.newBuilder(URI.create(item)), cookies);
            assertThat(view.statusCode()).isEqualTo(302);
            assertThat(view.headers().firstValue("Location"))
                    .hasValueSatisfying(l -> assertThat(l).startsWith(signIn));
            HttpResponse<String> claim = send(
                    HttpRequest.newBuilder(URI.create(item + "/claim"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "csrf-token=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8))),
                    cookies);
            assertThat(claim.statusCode()).isEqualTo(302);
            assertThat(claim.headers().firstValue("Location"))
                    .hasValueSatisfying(l -> assertThat(l).startsWith(signIn));
            assertThat(queryLog("rita", "/console/items/" + cut.getRequestId() + "/claim"))
                    .isEmpty();

            // Signed in again (the provider's own session still holds), the item was not claimed.
            keycloak.setConsoleTokenLifespan(null);
            page.get(item);
            assertThat(page.findElement(By.id("state")).getText()).isEqualTo("UNREVIEWED");
        } finally {
            keycloak.setConsoleTokenLifespan(null);
        }
    }

    /** The browser's cookies for the console, as a Cookie header. */
    private static String cookies(WebDriver page) {
        return page.manage().getCookies().stream()
                .map(c -> c.getName() + "=" + c.getValue())
                .reduce((a, b) -> a + "; " + b)
                .orElseThrow();
    }

    /** Sends with the cookies, following no redirect. */
    private static HttpResponse<String> send(HttpRequest.Builder request, String cookies) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        request.header("Cookie", cookies)
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The query log rows (rpc and outcome, oldest first) of {@code principal}'s calls of {@code request} (path and
     * query as sent) since this test began: the compliance record of who read what, read from audit-service's database.
     */
    private List<String> queryLog(String principal, String request) throws SQLException {
        try (Connection c = DriverManager.getConnection(mesh.auditJdbcUrl(), PostgresProcess.USER, "");
                PreparedStatement s = c.prepareStatement(
                        "SELECT rpc, outcome FROM audit_query_log WHERE principal = ? AND request = ? AND id > ? ORDER BY id")) {
            s.setString(1, principal);
            s.setString(2, request);
            s.setLong(3, queryLogBefore);
            List<String> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(r.getString(1) + " " + r.getString(2));
                }
            }
            return rows;
        }
    }

    private static ReasonRequest.Builder request(String tenant, String directive) {
        return ReasonRequest.newBuilder()
                .setTier("scripted")
                .setTenant(tenant)
                .setThinkingBudgetTokens(10)
                .addMessages(SharedMesh.user(HOSTILE + " Solve it. [[script " + directive + "]] " + UUID.randomUUID()));
    }

    private static void signInAs(WebDriver page, KeycloakProcess.User user) throws InterruptedException {
        // Keycloak's own sign-in form, reached by audit-service's redirect.
        page.findElement(By.id("username")).sendKeys(user.name());
        page.findElement(By.id("password")).sendKeys(user.password());
        open(page, By.id("kc-login"));
        assertThat(page.getCurrentUrl())
                .as("signed in as %s, back at the console; the page says: %s", user.name(), bodyText(page))
                .startsWith(mesh.consoleUrl());
    }

    /**
     * Clicks a control that loads another page and waits, up to a minute, until that page has loaded. A click does
     * not wait for every page it leads to: signing in is a redirect chain through audit-service, which first
     * exchanges the code at Keycloak, and a loaded machine makes that slow enough to read the old page.
     *
     * <p>The old page is told apart by a mark on its window: every new document gets a window of its own. An element
     * reference is no good for this: asked about an element while its page is being replaced, ChromeDriver may answer
     * "unknown error: Node with given id does not belong to the document" rather than a stale reference.
     */
    private static void open(WebDriver page, By control) throws InterruptedException {
        JavascriptExecutor script = (JavascriptExecutor) page;
        script.executeScript("window.meshOldPage = true");
        page.findElement(control).click();
        Instant deadline = Instant.now().plusSeconds(60);
        WebDriverException between = null;
        while (true) {
            try {
                if (Boolean.TRUE.equals(script.executeScript(
                        "return window.meshOldPage === undefined && document.readyState === 'complete'"))) {
                    return;
                }
            } catch (WebDriverException e) {
                between = e; // the script ran while one document replaced another: ask again
            }
            assertThat(Instant.now())
                    .as(
                            "a new page after clicking %s; still at %s; last error: %s",
                            control, page.getCurrentUrl(), between)
                    .isBefore(deadline);
            Thread.sleep(100);
        }
    }

    private static String bodyText(WebDriver page) {
        List<WebElement> body = page.findElements(By.tagName("body"));
        return body.isEmpty() ? "(no body)" : body.get(0).getText();
    }

    /** Reloads the filtered queue until the request's row is there (audit-service stores events from Kafka). */
    private static void awaitRow(WebDriver page, String url, String requestId) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (true) {
            page.get(url);
            if (!page.findElements(By.linkText(requestId)).isEmpty()) {
                return;
            }
            assertThat(Instant.now())
                    .as("request %s in the queue at %s", requestId, url)
                    .isBefore(deadline);
            Thread.sleep(500);
        }
    }

    private static void screenshot(ChromeDriver page, String name) throws Exception {
        Path docs = Path.of(System.getProperty("mesh.root")).resolve("docs/console");
        Files.createDirectories(docs);
        Files.write(docs.resolve(name), page.getScreenshotAs(OutputType.BYTES));
    }
}
