package io.elasticmesh.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A JVM of its own that starts part of the local stack as its children and waits, for tests that kill it with -9 (no
 * shutdown hook runs, nothing is closed) and expect none of its children to outlive it ({@code KeycloakProcessTests},
 * {@code StarterKilledIT}). {@link #main} is that JVM; the rest is the test's side.
 */
public final class StarterJvm implements AutoCloseable {

    /** What the JVM starts. */
    public enum Stack {
        /** A whole {@link LocalMesh} on free ports, Triton serving only the scripted model. */
        MESH,
        /** {@link KeycloakProcess} on a free port. */
        KEYCLOAK
    }

    /** Written once the stack is ready: the ports its children listen on, space-separated. */
    private static final String READY_FILE = "starter-ready";

    private final Process jvm;
    private final Path work;
    /** The children {@link #killWithSigkill} found, for {@link #close} to end should the test fail. */
    private List<ProcessHandle> children = List.of();

    private StarterJvm(Process jvm, Path work) {
        this.jvm = jvm;
        this.work = work;
    }

    /**
     * Starts the JVM on this JVM's class path; it starts {@code stack} with its data and logs in {@code work}
     * (its own output in {@code starter.log} there).
     */
    public static StarterJvm start(Stack stack, Path meshRoot, Path work) throws IOException {
        Files.createDirectories(work);
        Files.deleteIfExists(work.resolve(READY_FILE)); // an earlier run's
        Process jvm = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        StarterJvm.class.getName(),
                        stack.name(),
                        meshRoot.toAbsolutePath().toString(),
                        work.toAbsolutePath().toString())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("starter.log").toFile())
                .start();
        return new StarterJvm(jvm, work);
    }

    /** The JVM, e.g. to watch its descendants while the stack starts. */
    public Process process() {
        return jvm;
    }

    /** Waits until the stack is ready; returns the ports its children listen on. */
    public List<Integer> awaitReady(Duration timeout) throws InterruptedException, IOException {
        Path ready = work.resolve(READY_FILE);
        Instant deadline = Instant.now().plus(timeout);
        while (!Files.exists(ready)) {
            if (!jvm.isAlive()) {
                throw new IllegalStateException("the starter JVM ended before its stack was ready; see " + work);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the stack was not ready after " + timeout + "; see " + work);
            }
            Thread.sleep(250);
        }
        return Arrays.stream(Files.readString(ready).strip().split(" "))
                .map(Integer::valueOf)
                .toList();
    }

    /** Notes every descendant of the JVM, kills the JVM with SIGKILL and returns those descendants. */
    public List<ProcessHandle> killWithSigkill() throws InterruptedException {
        children = jvm.descendants().toList();
        jvm.destroyForcibly();
        if (!jvm.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the starter JVM outlived SIGKILL by 30 s");
        }
        return children;
    }

    /** Waits until none of {@code processes} is alive, at most {@code bound}. */
    public static void awaitEnd(List<ProcessHandle> processes, Duration bound) throws InterruptedException {
        Instant deadline = Instant.now().plus(bound);
        while (processes.stream().anyMatch(ProcessHandle::isAlive)
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(250);
        }
    }

    /** Whether something accepts connections on loopback {@code port}. */
    public static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Kills whatever is left: the JVM and the children it had, should they have outlived it. */
    @Override
    public void close() {
        jvm.descendants().forEach(ProcessHandle::destroyForcibly);
        children.forEach(ProcessHandle::destroyForcibly);
        jvm.destroyForcibly();
    }

    /** Arguments: the {@link Stack}, the repository checkout, the work directory. */
    public static void main(String[] args) throws Exception {
        Stack stack = Stack.valueOf(args[0]);
        Path meshRoot = Path.of(args[1]);
        Path work = Path.of(args[2]);
        List<Integer> ports = new ArrayList<>();
        switch (stack) {
            case MESH -> {
                LocalMesh mesh = LocalMesh.start(LocalMesh.Options.ephemeral(meshRoot, work, List.of("scripted")));
                for (String service : mesh.servicePids().keySet()) {
                    ports.addAll(List.of(mesh.grpcPort(service), mesh.httpPort(service), mesh.managementPort(service)));
                }
                ports.addAll(List.of(mesh.tritonPort(), mesh.postgresPort()));
            }
            case KEYCLOAK ->
                ports.add(KeycloakProcess.start(work.resolve("keycloak"), work.resolve("keycloak.log"), 0)
                        .port());
        }
        Path partial = work.resolve(READY_FILE + ".partial");
        Files.writeString(partial, ports.stream().map(String::valueOf).collect(Collectors.joining(" ")));
        Files.move(partial, work.resolve(READY_FILE), StandardCopyOption.ATOMIC_MOVE);
        // Killed long before; the bound keeps a starter its test lost from living on (its children end with it).
        Thread.sleep(600_000);
        System.exit(0);
    }
}
