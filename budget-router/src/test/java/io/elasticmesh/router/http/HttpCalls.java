package io.elasticmesh.router.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** The router's HTTP door on its test port, called with the JDK's client. */
final class HttpCalls {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A reply: status, headers and body read as JSON (null when it is not JSON). */
    record Reply(int status, HttpResponse<String> raw, JsonNode json) {
        String errorMessage() {
            return json.path("error").path("message").asText();
        }
    }

    private HttpCalls() {}

    static Reply post(String path, String body, Map<String, String> given) {
        Map<String, String> headers = new java.util.HashMap<>(given);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:8101" + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        // What OpenAI's Python SDK sends, for streams too, unless the test says otherwise
        headers.putIfAbsent("Accept", "application/json");
        headers.forEach(request::header);
        return send(request.build());
    }

    static Reply get(String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:8101" + path))
                .timeout(Duration.ofSeconds(30))
                .GET();
        headers.forEach(request::header);
        return send(request.build());
    }

    private static Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = JSON.readTree(response.body());
            } catch (IOException notJson) {
                json = null;
            }
            return new Reply(response.statusCode(), response, json);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
