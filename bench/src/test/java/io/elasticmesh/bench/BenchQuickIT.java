package io.elasticmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code ./mesh bench --quick} runs end to end on the real mesh and reports every field the issue names as a
 * number. Timings are not asserted: CI machines are shared and noisy.
 */
class BenchQuickIT {

    private static final List<String> FIELDS = List.of(
            "overhead.mesh_p50_ms",
            "overhead.direct_p50_ms",
            "overhead.p50_ratio",
            "overhead.p99_ratio",
            "overhead.added_ms_p50",
            "overhead.smollm2.p50_ratio",
            "overhead.stream.p50_ratio",
            "overhead.stream.first_token_added_ms_p50",
            "single_call.p50_ratio",
            "http_door.grpc_p50_ms",
            "http_door.http_p50_ms",
            "http_door.grpc_p95_ms",
            "http_door.http_p95_ms",
            "http_door.p50_ratio",
            "http_door.p95_ratio",
            "http_door.target_ratio",
            "shared_state.shared_p50_ms",
            "shared_state.alone_p50_ms",
            "shared_state.added_ms_p50",
            "shadow.with_p50_ms",
            "shadow.without_p50_ms",
            "shadow.with_p95_ms",
            "shadow.without_p95_ms",
            "shadow.p50_ratio",
            "shadow.p95_ratio",
            "shadow.shadows_run",
            "shadow.shadows_dropped",
            "budget_adherence.requests",
            "budget_adherence.violations",
            "prefix_reuse.solution_ttft_ms_with",
            "prefix_reuse.solution_ttft_ms_without",
            "audit.events_per_s",
            "audit.end_to_end_lag_p99_ms",
            "audit.request_path_added_ms_p99",
            "memory_mb.budget-router",
            "memory_mb.decoder-service",
            "memory_mb.solution-service",
            "memory_mb.audit-service");

    @Test
    void quickRunReportsEveryFieldAsANumber() throws Exception {
        Path work = Path.of(System.getProperty("mesh.work"));
        Path out = work.resolve("results");

        Bench.main(new String[] {"--quick", "--out", out.toString(), "--work", work.toString()});

        JsonNode json = new ObjectMapper().readTree(out.resolve("latest.json").toFile());
        for (String field : FIELDS) {
            JsonNode node = json;
            for (String key : field.split("\\.")) {
                node = node.path(key);
            }
            assertThat(node.isNumber()).as(field + " is a number, was " + node).isTrue();
        }
        assertThat(json.path("budget_adherence").path("violations").asInt()).isZero();
        assertThat(json.path("memory_mb").path("budget-router").asDouble()).isPositive();
        // Shared state against a router alone: both routers answered every request under load.
        JsonNode shared = json.path("shared_state").path("throughput");
        assertThat(shared).extracting(p -> p.path("concurrency").asInt()).containsExactly(1, 32);
        shared.forEach(p -> assertThat(p.path("shared_errors").asLong()
                        + p.path("alone_errors").asLong())
                .as("errors in " + p)
                .isZero());
        JsonNode throughput = json.path("throughput");
        assertThat(throughput).extracting(p -> p.path("concurrency").asInt()).containsExactly(1, 8, 32, 64);
        throughput.forEach(p -> List.of("mesh_rps", "direct_rps", "ratio")
                .forEach(f -> assertThat(p.path(f).isNumber())
                        .as("throughput " + f + " of " + p)
                        .isTrue()));
        // CPU is counted per process tree: the services and Triton (with its model stubs) in the mesh windows,
        // Triton without the services in the direct ones.
        throughput.forEach(p -> assertThat(p.path("mesh_cpu_ms_per_request").size())
                .as("processes counted in " + p)
                .isEqualTo(6));
        assertThat(sum(throughput, "mesh_cpu_ms_per_request", "decoder-service"))
                .isPositive();
        assertThat(sum(throughput, "direct_cpu_ms_per_request", "triton")).isPositive();
        assertThat(sum(throughput, "direct_cpu_ms_per_request", "decoder-service"))
                .isLessThan(sum(throughput, "mesh_cpu_ms_per_request", "decoder-service"));
        // The HTTP door answered every request gRPC did, with the same texts, and neither failed under load.
        JsonNode door = json.path("http_door");
        assertThat(door.path("requests").asInt()).isPositive();
        assertThat(door.path("grpc_requests").asInt())
                .isEqualTo(door.path("requests").asInt());
        assertThat(door.path("http_requests").asInt())
                .isEqualTo(door.path("requests").asInt());
        assertThat(door.path("answers_differing").isInt()).isTrue();
        assertThat(door.path("answers_differing").asInt()).isZero();
        assertThat(door.path("http_p50_ms").asDouble()).isPositive();
        assertThat(door.path("grpc_p50_ms").asDouble()).isPositive();
        assertThat(door.path("throughput"))
                .extracting(p -> p.path("concurrency").asInt())
                .containsExactly(1, 32);
        door.path("throughput").forEach(p -> {
            assertThat(p.path("grpc_rps").asDouble()).as("gRPC rate of " + p).isPositive();
            assertThat(p.path("http_rps").asDouble()).as("HTTP rate of " + p).isPositive();
            assertThat(p.path("ratio").isNumber()).as("ratio of " + p).isTrue();
            assertThat(p.path("grpc_errors").asLong()).as("gRPC errors of " + p).isZero();
            assertThat(p.path("http_errors").asLong()).as("HTTP errors of " + p).isZero();
            // Both doors' requests are served by the router, and the HTTP client is this JVM.
            assertThat(p.path("http_cpu_ms_per_request").path("budget-router").asDouble())
                    .as("router CPU per HTTP request of " + p)
                    .isPositive();
            assertThat(p.path("grpc_cpu_ms_per_request").path("client").asDouble())
                    .as("client CPU per gRPC request of " + p)
                    .isPositive();
        });
        // Both sides of the shadow comparison answered under load; shadows were counted (run or dropped).
        JsonNode shadow = json.path("shadow");
        assertThat(shadow.path("requests_with").asInt()).isPositive();
        assertThat(shadow.path("requests_without").asInt()).isPositive();
        assertThat(shadow.path("shadows_run").asLong()
                        + shadow.path("shadows_dropped").asLong())
                .isPositive();
        assertThat(Files.readString(out.resolve("latest.md")))
                .contains(
                        "| measure |",
                        "Where the time goes",
                        "CPU per request",
                        "HTTP chat completions vs gRPC Reason",
                        "shadowing every cut answer");
        // Every service started its flight recording (by jcmd, after the memory rows) and recorded samples.
        for (String service : List.of("budget-router", "decoder-service", "solution-service", "audit-service")) {
            assertThat(Files.readString(out.resolve("latest.md")))
                    .as("profile of " + service)
                    .containsPattern("- \\*\\*" + service + "\\*\\* \\([1-9][0-9]* samples\\)");
        }
    }

    private static double sum(JsonNode throughput, String side, String process) {
        double total = 0;
        for (JsonNode point : throughput) {
            total += point.path(side).path(process).asDouble();
        }
        return total;
    }
}
