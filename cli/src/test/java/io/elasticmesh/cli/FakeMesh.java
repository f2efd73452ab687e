package io.elasticmesh.cli;

import io.grpc.BindableService;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * In-process fakes of the mesh's services, reached by the CLI under the name {@link #target}; records what each
 * call carried (x-api-key, deadline). {@link #run} runs one command line against them.
 */
final class FakeMesh implements AutoCloseable {

    /** What one call carried. */
    record Call(String method, String apiKey, Deadline deadline) {}

    /** A command line's exit status and what it printed. */
    record Result(int status, String out, String err) {}

    static final Metadata.Key<String> API_KEY = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);

    final String target = "fake-mesh-" + UUID.randomUUID();
    final List<Call> calls = new CopyOnWriteArrayList<>();
    /** Environment of every run; MESH_ROOT points nowhere so that no local mesh's files are read. */
    final Map<String, String> env =
            new HashMap<>(Map.of("MESH_ROUTER", target, "MESH_AUDIT", target, "MESH_ROOT", "/nonexistent-" + target));

    private final Server server;

    FakeMesh(BindableService... services) throws IOException {
        ServerInterceptor record = new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
                calls.add(new Call(
                        call.getMethodDescriptor().getBareMethodName(),
                        headers.get(API_KEY),
                        io.grpc.Context.current().getDeadline()));
                return next.startCall(call, headers);
            }
        };
        InProcessServerBuilder builder = InProcessServerBuilder.forName(target);
        for (BindableService service : services) {
            builder.addService(ServerInterceptors.intercept(service, record));
        }
        server = builder.build().start();
    }

    Result run(String... args) {
        return run(new StringWriter(), args);
    }

    /** Runs with stdout written to {@code out} (a test may watch it while the command runs). */
    Result run(java.io.Writer out, String... args) {
        StringWriter err = new StringWriter();
        StringWriter printed = new StringWriter();
        java.io.Writer both = new java.io.Writer() {
            @Override
            public void write(char[] buf, int off, int len) throws IOException {
                printed.write(buf, off, len);
                out.write(buf, off, len);
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void close() {}
        };
        int status = MeshCli.execute(
                new Context(
                        new PrintWriter(both, true),
                        new PrintWriter(err, true),
                        env,
                        name -> InProcessChannelBuilder.forName(name).build()),
                args);
        return new Result(status, printed.toString(), err.toString());
    }

    Call onlyCall() {
        if (calls.size() != 1) {
            throw new AssertionError("expected one call, got " + calls);
        }
        return calls.get(0);
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination();
    }
}
