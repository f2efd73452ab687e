package io.elasticmesh.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.local.LocalMesh;
import io.elasticmesh.local.quarkus.HttpGet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README as a newcomer uses it, against a running mesh: every {@code grpcurl} command of its {@code sh} blocks
 * runs as written with the real grpcurl {@code ./mesh setup} installs (only the router's and audit-service's
 * ports are this mesh's; blocks that need a Kubernetes cluster aside), and every endpoint {@code ./mesh up} prints
 * answers.
 */
class ReadmeIT {

    private static final Path ROOT =
            Path.of(System.getProperty("mesh.root")).toAbsolutePath().normalize();
    private static final long COMMAND_TIMEOUT_SECONDS = 300;

    @Test
    void everyGrpcurlCommandInTheReadmeSucceeds() throws Exception {
        LocalMesh mesh = SharedMesh.mesh();
        List<String> commands = grpcurlCommands(Files.readString(ROOT.resolve("README.md")));
        assertThat(commands).as("grpcurl commands in README.md").hasSizeGreaterThanOrEqualTo(6);

        for (String command : commands) {
            String here = command.replace("127.0.0.1:9100", "127.0.0.1:" + mesh.routerPort())
                    .replace("127.0.0.1:9400", "127.0.0.1:" + mesh.auditPort());
            Result result = bash(here, mesh.auditApiKey());
            assertThat(result.status()).as(command + "\n" + result.output()).isZero();
            assertThat(result.output()).as(command).isNotBlank();
        }
    }

    @Test
    void everyEndpointThatUpPrintsAnswers() throws Exception {
        LocalMesh mesh = SharedMesh.mesh();
        String endpoints = mesh.endpoints();

        List<String> grpc = ports(endpoints, "gRPC 127\\.0\\.0\\.1:(\\d+)");
        List<String> http = ports(endpoints, "HTTP 127\\.0\\.0\\.1:(\\d+)");
        List<String> management = ports(endpoints, "management 127\\.0\\.0\\.1:(\\d+)");
        assertThat(grpc)
                .as(endpoints)
                .hasSize(5)
                .contains(
                        String.valueOf(mesh.routerPort()),
                        String.valueOf(mesh.auditPort()),
                        String.valueOf(mesh.tritonPort()));
        assertThat(http).as(endpoints).hasSize(4);
        assertThat(management).as(endpoints).hasSize(4);
        assertThat(endpoints).contains(mesh.kafkaBootstrapServers(), "postgresql", "logs", "audit API key");
        for (String port : grpc) {
            // The services serve reflection; Triton does not, so grpcurl reads its contract from the proto module.
            String call = port.equals(String.valueOf(mesh.tritonPort()))
                    ? "grpcurl -plaintext -import-path proto/src/main/proto -proto inference/grpc_service.proto "
                            + "127.0.0.1:" + port + " inference.GRPCInferenceService/ServerReady"
                    : "grpcurl -plaintext 127.0.0.1:" + port + " list";
            Result answer = bash(call, mesh.auditApiKey());
            assertThat(answer.status()).as(call + "\n" + answer.output()).isZero();
        }
        for (int i = 0; i < http.size(); i++) {
            HttpGet.assertOperatorEndpointsOnlyOnManagementPort(
                    Integer.parseInt(http.get(i)), Integer.parseInt(management.get(i)));
        }
    }

    /** The {@code grpcurl} commands of the {@code sh} blocks, continuation lines joined. */
    static List<String> grpcurlCommands(String markdown) {
        List<String> commands = new ArrayList<>();
        Matcher block = Pattern.compile("(?ms)^```sh\\n(.*?)^```").matcher(markdown);
        while (block.find()) {
            String body = block.group(1);
            if (body.contains("kubectl")) {
                continue; // needs a cluster
            }
            for (String line : body.replace("\\\n", " ").split("\n")) {
                if (line.strip().startsWith("grpcurl ")) {
                    commands.add(line.strip());
                }
            }
        }
        return commands;
    }

    private static List<String> ports(String text, String regex) {
        List<String> ports = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            ports.add(m.group(1));
        }
        return ports;
    }

    private record Result(int status, String output) {}

    /** Runs {@code command} as a shell would from the checkout, with grpcurl on the PATH and the README's keys. */
    private static Result bash(String command, String auditKey) throws IOException, InterruptedException {
        Path output = Files.createTempFile("readme-it", ".out");
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command)
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("PATH", grpcurl().getParent() + ":" + System.getenv("PATH"));
        builder.environment().put("MESH_API_KEY", auditKey);
        builder.environment().put("ADMIN_KEY", "not-checked-without-a-principals-file");
        try {
            Process process = builder.start();
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("no answer in " + COMMAND_TIMEOUT_SECONDS + " s: " + command);
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** The pinned grpcurl that {@code ./mesh setup} installs ({@code $MESH_CACHE/tools/bin/grpcurl}). */
    private static Path grpcurl() {
        String cache = System.getenv("MESH_CACHE");
        Path binary = (cache != null
                        ? Path.of(cache)
                        : Path.of(System.getProperty("user.home"), ".cache", "elastic-mesh"))
                .resolve("tools/bin/grpcurl");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("grpcurl not found at " + binary + ": run ./mesh setup");
        }
        return binary;
    }
}
