package io.elasticmesh.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The dashboard and the alerts read only documented metrics, and the alerts say what to do. */
class MonitoringTests {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyDashboardAndRuleExpressionReadsOnlyDocumentedMetrics() throws IOException {
        MetricCatalog catalog = catalog();
        Set<String> recorded = new HashSet<>();
        rules().forEach(rule -> {
            if (rule.getRecord() != null) {
                recorded.add(rule.getRecord());
            }
        });
        List<String> expressions = new ArrayList<>(dashboardExpressions());
        rules().forEach(rule -> expressions.add(rule.getExpr().getStrVal()));

        assertThat(expressions)
                .hasSizeGreaterThan(20)
                .allSatisfy(expression -> assertThat(PromQlMetrics.in(expression))
                        .as(expression)
                        .isNotEmpty()
                        .allSatisfy(metric -> assertThat(catalog.documents(metric) || recorded.contains(metric))
                                .as("%s is neither in k8s/README.md's metrics table nor a recording rule", metric)
                                .isTrue()));
    }

    @Test
    void theAlertsCoverDeadlineAttainmentAuditSpoolAndTritonErrors() {
        List<Rule> alerts = rules().stream().filter(r -> r.getAlert() != null).toList();
        Set<String> read = new HashSet<>();
        alerts.forEach(a -> read.addAll(PromQlMetrics.in(a.getExpr().getStrVal())));

        assertThat(read)
                .contains(
                        "tier:elastic_deadline_attainment:ratio_rate1h",
                        "elastic_audit_spool_depth",
                        "elastic_triton_errors_total");
        assertThat(alerts).allSatisfy(alert -> {
            assertThat(alert.getLabels()).as(alert.getAlert()).containsKey("severity");
            assertThat(alert.getLabels().get("severity")).isIn("critical", "warning");
            assertThat(alert.getAnnotations()).as(alert.getAlert()).containsKeys("summary", "description");
        });
    }

    @Test
    void theDashboardShowsTierSlosTokenUseCutRateShadowEvaluationAndAuditHealth() throws IOException {
        JsonNode dashboard = dashboard();
        List<String> rows = new ArrayList<>();
        dashboard.path("panels").forEach(p -> {
            if (p.path("type").asText().equals("row")) {
                rows.add(p.path("title").asText());
            }
        });

        assertThat(rows).contains("Tier SLOs", "Token use", "Cut rate", "Shadow evaluation", "Triton", "Audit health");
        assertThat(dashboardExpressions())
                .anyMatch(e -> e.contains("elastic_deadline_attained_total"))
                .anyMatch(e -> e.contains("elastic_thinking_tokens_bucket"))
                .anyMatch(e -> e.contains("elastic_thinking_truncated_total"))
                .anyMatch(e -> e.contains("elastic_shadow_evaluations_total"))
                .anyMatch(e -> e.contains("elastic_shadow_cost_total"))
                .anyMatch(e -> e.contains("elastic_audit_spool_depth"));
    }

    @Test
    void metricNamesAreReadOutOfPromQl() {
        String expression = "histogram_quantile(0.95, sum by (tier, le) (rate(elastic_request_duration_seconds_bucket"
                + "{tier=~\"$tier\", status!=\"OK\"}[$__rate_interval]))) / on (tier) group_left "
                + "sum by (tier) (up) > 14.4 * 1e-2 and tier:elastic_deadline_attainment:ratio_rate5m offset 5m";

        assertThat(PromQlMetrics.in(expression))
                .containsExactlyInAnyOrder(
                        "elastic_request_duration_seconds_bucket",
                        "up",
                        "tier:elastic_deadline_attainment:ratio_rate5m");
    }

    @Test
    void anUndocumentedMetricOrAHistogramReadWithoutItsSuffixIsNotDocumented() throws IOException {
        MetricCatalog catalog = catalog();

        assertThat(catalog.documents("elastic_requests_total")).isTrue();
        assertThat(catalog.documents("elastic_request_duration_seconds_bucket")).isTrue();
        assertThat(catalog.documents("elastic_request_duration_seconds")).isFalse();
        assertThat(catalog.documents("elastic_requests_total_bucket")).isFalse();
        assertThat(catalog.documents("elastic_request_total")).isFalse();
    }

    private static MetricCatalog catalog() throws IOException {
        return MetricCatalog.parse(Files.readString(Overlays.K8S.resolve("README.md")));
    }

    private static JsonNode dashboard() throws IOException {
        return JSON.readTree(Overlays.K8S
                .resolve("components/monitoring/elastic-mesh-dashboard.json")
                .toFile());
    }

    private static List<String> dashboardExpressions() throws IOException {
        List<String> expressions = new ArrayList<>();
        dashboard().findValues("expr").forEach(e -> expressions.add(e.asText()));
        return expressions;
    }

    private static List<Rule> rules() {
        List<HasMetadata> prod = Overlays.objects("prod-gpu");
        PrometheusRule rule = Overlays.named(prod, PrometheusRule.class, "elastic-mesh");
        return rule.getSpec().getGroups().stream()
                .flatMap(g -> g.getRules().stream())
                .toList();
    }
}
