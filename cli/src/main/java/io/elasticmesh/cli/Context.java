package io.elasticmesh.cli;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * What the commands run with: where they print, the environment they read their defaults from, and how they open
 * a channel to a {@code host:port} (plaintext, as {@code ./mesh up} serves; the tests open in-process channels).
 */
public record Context(
        PrintWriter out, PrintWriter err, Map<String, String> env, Function<String, ManagedChannel> channels) {

    /**
     * Largest reply read, bytes: an audit event of the largest size (8 MiB, README "Sizes") and its chain link,
     * above gRPC's 4 MiB default.
     */
    public static final int MAX_REPLY_BYTES = 16 << 20;

    /** The process's stdout, stderr and environment, and real channels. */
    public static Context system() {
        Charset charset = Charset.defaultCharset();
        return new Context(
                new PrintWriter(System.out, true, charset),
                new PrintWriter(System.err, true, charset),
                System.getenv(),
                Context::plaintext);
    }

    /** A channel to {@code target} as {@code ./mesh up} serves it: plaintext. */
    public static ManagedChannel plaintext(String target) {
        return ManagedChannelBuilder.forTarget(target)
                .usePlaintext()
                .maxInboundMessageSize(MAX_REPLY_BYTES)
                .build();
    }

    /** An environment variable, or null when unset or blank. */
    String setting(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value;
    }

    /** The local mesh that {@code ./mesh up} runs from the checkout at MESH_ROOT (else the working directory). */
    LocalDefaults localMesh() {
        String root = setting("MESH_ROOT");
        return LocalDefaults.at(
                (root == null ? Path.of("") : Path.of(root)).toAbsolutePath().resolve(".mesh"));
    }
}
