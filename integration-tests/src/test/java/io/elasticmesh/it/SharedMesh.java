package io.elasticmesh.it;

import io.elasticmesh.local.LocalMesh;
import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * One whole mesh (scripted model and SmolLM2) shared by the test classes that leave it as they found it, started
 * on first use and stopped when the test JVM exits. Tests that break the mesh (MeshIT stops Triton) start their own.
 */
final class SharedMesh {

    private static LocalMesh mesh;
    private static ManagedChannel routerChannel;
    private static ManagedChannel tritonChannel;

    private SharedMesh() {}

    private static final Path WORK = Path.of(System.getProperty("mesh.work")).resolve("shared");

    static synchronized LocalMesh mesh() {
        if (mesh == null) {
            mesh = LocalMesh.start(LocalMesh.Options.ephemeral(
                    Path.of(System.getProperty("mesh.root")), WORK, List.of("scripted", "smollm2")));
            routerChannel = ManagedChannelBuilder.forAddress("127.0.0.1", mesh.routerPort())
                    .usePlaintext()
                    .build();
            tritonChannel = ManagedChannelBuilder.forAddress("127.0.0.1", mesh.tritonPort())
                    .usePlaintext()
                    .build();
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                routerChannel.shutdownNow();
                                tritonChannel.shutdownNow();
                                mesh.close();
                            },
                            "shared-mesh-stop"));
        }
        return mesh;
    }

    /**
     * A mesh of a test class's own, with the scripted model only, its router on the shipped tier file plus
     * {@code extraTiers} (entries of its {@code tiers} mapping); its work directory is {@code mesh.work/name}.
     */
    static LocalMesh scriptedWithTiers(String name, String extraTiers) throws IOException {
        LocalMesh.Options options = LocalMesh.Options.ephemeral(
                Path.of(System.getProperty("mesh.root")),
                Path.of(System.getProperty("mesh.work")).resolve(name),
                List.of("scripted"));
        String shipped = Files.readString(options.tiersFile());
        Path tiers = Files.createDirectories(options.workDir()).resolve("tiers.yaml");
        Files.writeString(tiers, shipped.replace("\ntiers:\n", "\ntiers:\n" + extraTiers));
        return LocalMesh.start(options.withTiersFile(tiers));
    }

    static synchronized ManagedChannel router() {
        mesh();
        return routerChannel;
    }

    /** Triton itself, for reference implementations that bypass the mesh. */
    static synchronized ManagedChannel triton() {
        mesh();
        return tritonChannel;
    }

    /** Triton's log: the models log each generation's end there ("finished …" or "cancelled after N tokens"). */
    static Path tritonLog() {
        mesh();
        return WORK.resolve("logs").resolve("tritonserver.log");
    }

    static BudgetRouterGrpc.BudgetRouterBlockingStub routerStub() {
        return BudgetRouterGrpc.newBlockingStub(router());
    }

    /** A request on the scripted tier whose model follows {@code directive} (see triton/models/scripted). */
    static ReasonRequest.Builder scripted(String directive) {
        return ReasonRequest.newBuilder()
                .setTier("scripted")
                .setTenant("it-tenant")
                .addMessages(user("Solve it. [[script " + directive + "]]"));
    }

    static ChatMessage user(String text) {
        return ChatMessage.newBuilder()
                .setRole(ChatMessage.Role.ROLE_USER)
                .setContent(text)
                .build();
    }

    /** "word1 word2 … wordN ", the scripted model's text. */
    static String words(String word, int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> word + i + " ").collect(Collectors.joining());
    }
}
