package io.elasticmesh.local;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

final class Processes {

    /**
     * The one thread children tied to this JVM are started from: the kernel sends the parent-death signal when the
     * thread that started a child ends, not its process, so that thread must live as long as the JVM.
     */
    private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "tied-child-launcher");
        thread.setDaemon(true);
        return thread;
    });

    private Processes() {}

    /**
     * Starts {@code builder}'s command so that the kernel sends it {@code signal} (e.g. {@code TERM}) when this JVM
     * dies, even by SIGKILL: {@code setpriv --pdeathsig} (util-linux) sets PR_SET_PDEATHSIG, as triton/launch.py
     * does for tritonserver, then runs the command in its place. Every long-lived child of the local stack is
     * started here, so a JVM killed with -9 leaves none of them running.
     */
    static Process startTiedToThisJvm(ProcessBuilder builder, String signal) throws IOException {
        return startTiedToThisJvm(builder, signal, List.of());
    }

    /**
     * As {@link #startTiedToThisJvm(ProcessBuilder, String)}, with more {@code setpriv} options (e.g. {@code --reuid}):
     * in the same setpriv, which sets the parent-death signal after changing credentials (a change the kernel clears
     * the signal on), not in a second one the first would run.
     */
    static Process startTiedToThisJvm(ProcessBuilder builder, String signal, List<String> setprivOptions)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("setpriv", "--pdeathsig", signal));
        command.addAll(setprivOptions);
        command.add("--");
        command.addAll(builder.command());
        builder.command(command);
        try {
            return LAUNCHER.submit(builder::start).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("cannot start " + command, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting " + command, e);
        }
    }

    /** SIGTERM, then SIGKILL if the process has not exited within 20 s. */
    static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL, then waits for the process to be gone. */
    static void kill(Process process) {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
