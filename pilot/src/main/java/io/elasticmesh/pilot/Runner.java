package io.elasticmesh.pilot;

import io.elasticmesh.proto.reasoning.v1.FinishReason;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Sends a plan's tasks that the results file does not hold yet, {@code concurrency} at a time, appending each
 * outcome as it arrives and drawing progress (done/total, rate, ETA) on stderr. {@link #stop()} lets the calls in
 * flight finish and sends nothing more.
 */
public final class Runner {

    /** The error message kept per failed call, characters. */
    private static final int MAX_ERROR_CHARS = 300;

    private final Plan plan;
    private final String tenant;
    private final Function<ReasonRequest, ReasonResponse> router;
    private final PrintWriter progress;
    private final AtomicBoolean stopped = new AtomicBoolean();

    /**
     * Statuses that say nothing about the budget (the mesh was down, full or the call was cancelled): not written,
     * so the next run asks again.
     */
    private static final Set<String> RETRIED = Set.of("UNAVAILABLE", "RESOURCE_EXHAUSTED", "CANCELLED", "ABORTED");

    /**
     * What a run did: outcomes written now, found already written, calls to ask again (with the last such
     * failure), and whether every task has its outcome.
     */
    public record Result(int sent, int resumed, int retry, String lastRetry, int total, boolean complete) {}

    public Runner(Plan plan, String tenant, Function<ReasonRequest, ReasonResponse> router, PrintWriter progress) {
        this.plan = plan;
        this.tenant = tenant;
        this.router = router;
        this.progress = progress;
    }

    /** Asks the run to end after the calls in flight. */
    public void stop() {
        stopped.set(true);
    }

    public Result run(List<Task> tasks, ResultLog log) throws InterruptedException {
        List<Task> todo = tasks.stream().filter(t -> !log.has(t.key())).toList();
        int resumed = tasks.size() - todo.size();
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger retry = new AtomicInteger();
        AtomicReference<String> lastRetry = new AtomicReference<>();
        Semaphore slots = new Semaphore(plan.concurrency());
        ExecutorService pool = Executors.newFixedThreadPool(plan.concurrency(), r -> {
            Thread thread = new Thread(r, "pilot-call");
            thread.setDaemon(true);
            return thread;
        });
        long start = System.nanoTime();
        try {
            for (Task task : todo) {
                slots.acquire();
                if (stopped.get()) {
                    slots.release();
                    break;
                }
                pool.execute(() -> {
                    try {
                        Outcome outcome = call(task);
                        if (RETRIED.contains(outcome.status())) {
                            retry.incrementAndGet();
                            lastRetry.set(outcome.status() + ": " + outcome.error());
                        } else {
                            log.append(outcome);
                            sent.incrementAndGet();
                        }
                        draw(resumed, sent.get(), tasks.size(), start);
                    } finally {
                        slots.release();
                    }
                });
            }
        } finally {
            pool.shutdown();
            // Every call carries its own deadline, so the pool ends.
            while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
                // waiting for the calls in flight
            }
            progress.println();
            progress.flush();
        }
        return new Result(
                sent.get(), resumed, retry.get(), lastRetry.get(), tasks.size(), resumed + sent.get() == tasks.size());
    }

    private Outcome call(Task task) {
        ReasonRequest request = Requests.of(plan, task, tenant);
        try {
            ReasonResponse r = router.apply(request);
            return new Outcome(
                    task.key(),
                    task.item().key(),
                    task.tier(),
                    task.point(),
                    task.sample(),
                    "OK",
                    null,
                    r.getBudget().getModel(),
                    r.getBudget().getThinkingBudgetTokens(),
                    r.getBudget().getSolutionBudgetTokens(),
                    r.getUsage().getPromptTokens(),
                    r.getUsage().getThinkingTokens(),
                    r.getUsage().getSolutionTokens(),
                    r.getThinkingTruncated(),
                    r.getSolutionTruncated() || r.getSolutionFinishReason() == FinishReason.FINISH_REASON_LENGTH,
                    r.getSolutionEmpty(),
                    r.getTimings().getTotalMs(),
                    r.getBudget().getDeadlineMs(),
                    r.getSolutionText(),
                    r.getRequestId());
        } catch (StatusRuntimeException e) {
            Status status = e.getStatus();
            String message = status.getDescription() == null ? "" : status.getDescription();
            if (message.length() > MAX_ERROR_CHARS) {
                message = message.substring(0, MAX_ERROR_CHARS) + "…";
            }
            return new Outcome(
                    task.key(),
                    task.item().key(),
                    task.tier(),
                    task.point(),
                    task.sample(),
                    status.getCode().name(),
                    message,
                    null,
                    0,
                    0,
                    0,
                    0,
                    0,
                    false,
                    false,
                    false,
                    0,
                    0,
                    null,
                    null);
        }
    }

    private synchronized void draw(int resumed, int sent, int total, long start) {
        double seconds = (System.nanoTime() - start) / 1e9;
        double rate = sent / Math.max(seconds, 1e-3);
        int left = total - resumed - sent;
        long eta = Math.round(left / Math.max(rate, 1e-9));
        int width = 30;
        int filled = (int) ((long) width * (resumed + sent) / total);
        progress.printf(
                "\r[%s%s] %d/%d  %.2f req/s  ETA %dm%02ds ",
                "#".repeat(filled), ".".repeat(width - filled), resumed + sent, total, rate, eta / 60, eta % 60);
        progress.flush();
    }
}
