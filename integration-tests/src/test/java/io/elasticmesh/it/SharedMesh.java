package io.elasticmesh.it;

import io.elasticmesh.local.LocalMesh;
import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
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
