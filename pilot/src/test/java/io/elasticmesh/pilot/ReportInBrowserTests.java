package io.elasticmesh.pilot;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.local.Browser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * report.html as a reader sees it: a results file written as a run writes it, reported as {@code --report-only}
 * reports it, opened from disk in Chromium with nothing but the file.
 */
class ReportInBrowserTests {

    private static final Path ROOT = Path.of(System.getProperty("mesh.root"));

    private static final String PLAN = """
            name: browser-pilot
            tiers: [gold, silver]
            datasets:
              - {name: d, file: d.jsonl, grading: exact}
            grid: {thinking: [16, 64], solution: [128]}
            baseline: {thinking: 512, solution: 128}
            prices:
              m: {currency: USD, prompt-per-million: 0.01, generated-per-million: 0.04}
            """;

    /** Per tier and point, the items answered right; the rest answer 0. */
    private static final Map<String, List<String>> RIGHT = Map.of(
            "gold|t=16,s=128", List.of("q1"),
            "gold|t=64,s=128", List.of("q1", "q2"),
            "gold|baseline", List.of("q1", "q2"),
            "silver|t=16,s=128", List.of(),
            "silver|t=64,s=128", List.of("q1"),
            "silver|baseline", List.of("q1", "q2"));

    private static final List<String> POINTS = List.of("t=16,s=128", "t=64,s=128", "baseline");

    @Test
    void theReportShowsAChartPerTierTheTableAndTheRecommendationsAndLoadsNothing(@TempDir Path dir) throws Exception {
        Path html = report(dir);

        try (Browser browser = Browser.start()) {
            WebDriver page = browser.driver();
            page.get(html.toUri().toString());

            assertThat(page.getTitle()).isEqualTo("Pilot browser-pilot");
            assertThat(page.findElements(By.tagName("h2")))
                    .extracting(WebElement::getText)
                    .containsExactly("Tier gold", "Tier silver", "Recommendations");

            List<WebElement> charts = page.findElements(By.cssSelector("svg.chart"));
            assertThat(charts).hasSize(2);
            for (WebElement chart : charts) {
                List<WebElement> points = chart.findElements(By.tagName("circle"));
                assertThat(points).allMatch(WebElement::isDisplayed);
                // each circle's tooltip names its point; the three sit left to right by mean generated tokens
                assertThat(points)
                        .extracting(p -> p.findElement(By.tagName("title"))
                                .getDomProperty("textContent")
                                .replaceAll(":.*", ""))
                        .containsExactly(POINTS.toArray(String[]::new));
                assertThat(points.get(0).getRect().getX())
                        .isLessThan(points.get(1).getRect().getX());
                assertThat(points.get(1).getRect().getX())
                        .isLessThan(points.get(2).getRect().getX());
                // the baseline in its own colour, the budgets in one other
                String budgetColour = points.get(0).getCssValue("fill");
                assertThat(points.get(1).getCssValue("fill")).isEqualTo(budgetColour);
                assertThat(points.get(2).getCssValue("fill")).isNotEqualTo(budgetColour);
            }
            // gold at t=16 answered half, at t=64 all: drawn lower on the page
            List<WebElement> gold = charts.get(0).findElements(By.tagName("circle"));
            assertThat(gold.get(0).getRect().getY())
                    .isGreaterThan(gold.get(1).getRect().getY());

            List<WebElement> rows = page.findElements(By.cssSelector("#summary tr"));
            assertThat(rows.get(0).findElements(By.tagName("th")))
                    .extracting(WebElement::getText)
                    .startsWith("tier", "budget");
            assertThat(rows.subList(1, rows.size()))
                    .extracting(r -> r.findElements(By.tagName("td")).subList(0, 2).stream()
                            .map(WebElement::getText)
                            .toList())
                    .containsExactly(
                            List.of("gold", "t=16,s=128"),
                            List.of("gold", "t=64,s=128"),
                            List.of("gold", "baseline"),
                            List.of("silver", "t=16,s=128"),
                            List.of("silver", "t=64,s=128"),
                            List.of("silver", "baseline"));
            assertThat(rows.get(1).getText()).contains("50.0% (");

            List<String> recommendations = page.findElements(By.tagName("li")).stream()
                    .map(WebElement::getText)
                    .toList();
            assertThat(recommendations).hasSize(2);
            assertThat(recommendations.get(0))
                    .startsWith("gold: t=64,s=128, accuracy 100.0% (95% CI ")
                    .contains("the cheapest within 2.0% of the best (t=64,s=128, 100.0%).")
                    .contains("Warning: the data cannot separate t=64,s=128 from t=16,s=128, baseline")
                    .doesNotContain("**");
            assertThat(recommendations.get(1)).startsWith("silver: baseline, accuracy 100.0% (95% CI ");
            assertThat(page.findElements(By.cssSelector("li b")))
                    .extracting(WebElement::getText)
                    .contains("gold", "silver", "Warning:");

            // offline by construction: the page fetched nothing and names no http(s) address to fetch
            assertThat(page.getCurrentUrl()).startsWith("file:");
            assertThat(browser.driver().executeScript("return document.readyState"))
                    .isEqualTo("complete");
            assertThat(browser.driver().executeScript("return performance.getEntriesByType('resource').length"))
                    .isEqualTo(0L);
            assertThat(browser.driver().executeScript(EXTERNAL_ADDRESSES))
                    .asList()
                    .isEmpty();
            assertThat(browser.consoleErrors()).isEmpty();
        }
    }

    /** Attribute values (namespace declarations aside) and style rules that name an http(s) or scheme-less URL. */
    private static final String EXTERNAL_ADDRESSES = """
            const found = [];
            const external = /(https?:)?\\/\\//i;
            for (const element of document.querySelectorAll('*')) {
              for (const attribute of element.attributes) {
                if (!attribute.name.startsWith('xmlns') && external.test(attribute.value)) {
                  found.push(element.tagName + ' ' + attribute.name + '=' + attribute.value);
                }
              }
            }
            for (const sheet of document.styleSheets) {
              for (const rule of sheet.cssRules) {
                if (/url\\(/i.test(rule.cssText)) found.push(rule.cssText);
              }
            }
            return found;
            """;

    /** The plan, a results file with every task answered, and the report written from them. */
    private static Path report(Path dir) throws Exception {
        Files.writeString(dir.resolve("plan.yaml"), PLAN);
        Files.writeString(dir.resolve("d.jsonl"), """
                {"id": "q1", "problem": "1 + 1?", "answer": "2"}
                {"id": "q2", "problem": "2 + 2?", "answer": "4"}
                """);
        Pilot pilot = Pilot.load(dir.resolve("plan.yaml"));
        Path out = dir.resolve("out");
        try (ResultLog log = pilot.results(out)) {
            for (Task task : pilot.tasks()) {
                log.append(answered(task));
            }
            return pilot.report(log, MathVerify.of(System.getenv(), ROOT)).write(out);
        }
    }

    private static Outcome answered(Task task) {
        boolean right =
                RIGHT.get(task.tier() + "|" + task.point()).contains(task.item().id());
        int thinking = task.baseline() ? 200 : task.budget().thinkingTokens();
        return new Outcome(
                task.key(),
                task.item().key(),
                task.tier(),
                task.point(),
                task.sample(),
                "OK",
                null,
                "m",
                thinking,
                task.budget().solutionTokens(),
                20,
                thinking,
                10,
                !task.baseline(),
                false,
                false,
                900,
                60_000,
                "\\boxed{" + (right ? task.item().answers().get(0) : "0") + "}",
                "r-" + task.key());
    }
}
