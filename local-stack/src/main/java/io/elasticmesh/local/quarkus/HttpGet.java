package io.elasticmesh.local.quarkus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * Test support: a service's HTTP endpoints on loopback: the clients' port, and the management port that serves
 * {@code /q/health/ready}, {@code /q/metrics}, ….
 */
public final class HttpGet {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpGet() {}

    public static HttpResponse<String> get(int port, String path) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(15))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Fails unless liveness, readiness and metrics answer on {@code managementPort} and not on {@code clientPort}
     * (404 there): they are for the kubelet and Prometheus, not for clients. Readiness may be DOWN (503) while a test
     * keeps a dependency away; it must still answer.
     */
    public static void assertOperatorEndpointsOnlyOnManagementPort(int clientPort, int managementPort) {
        for (String path : List.of("/q/health/live", "/q/health/ready", "/q/metrics")) {
            int onClients = get(clientPort, path).statusCode();
            if (onClients != 404) {
                throw new AssertionError(
                        path + " on the clients' port " + clientPort + " answered " + onClients + ", expected 404");
            }
            HttpResponse<String> onManagement = get(managementPort, path);
            int status = onManagement.statusCode();
            boolean answers = path.equals("/q/health/ready") ? status == 200 || status == 503 : status == 200;
            if (!answers) {
                throw new AssertionError(path + " on the management port " + managementPort + " answered " + status
                        + ": " + onManagement.body());
            }
        }
        if (!get(managementPort, "/q/metrics").body().contains("# TYPE jvm_")) {
            throw new AssertionError("/q/metrics on the management port " + managementPort + " has no JVM metrics");
        }
    }
}
