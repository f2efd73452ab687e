package io.elasticmesh.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Defaults from the mesh {@code ./mesh up} runs: the endpoints it wrote to {@code .mesh/ready} and the compliance
 * officer's API key in {@code .mesh/audit-api-key} (both written by local-stack's LocalMesh at each start). Absent
 * files give the ports a local mesh always uses and no key.
 */
record LocalDefaults(Map<String, String> grpcEndpoints, String auditApiKey) {

    private static final Pattern ENDPOINT = Pattern.compile("(?m)^(\\S+)\\s+gRPC (\\S+)");

    static LocalDefaults at(Path dir) {
        Map<String, String> endpoints = new HashMap<>();
        Matcher m = ENDPOINT.matcher(read(dir.resolve("ready")));
        while (m.find()) {
            endpoints.put(m.group(1), m.group(2));
        }
        String key = read(dir.resolve("audit-api-key")).strip();
        return new LocalDefaults(Map.copyOf(endpoints), key.isEmpty() ? null : key);
    }

    String router() {
        return grpcEndpoints.getOrDefault("budget-router", "127.0.0.1:9100");
    }

    String audit() {
        return grpcEndpoints.getOrDefault("audit-service", "127.0.0.1:9400");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
