package io.elasticmesh.router.service;

import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.audit.v1.AuditServiceGrpc;
import io.elasticmesh.proto.audit.v1.GetContinuationRequest;
import io.elasticmesh.proto.audit.v1.GetContinuationResponse;
import io.elasticmesh.proto.reasoning.v1.DecoderServiceGrpc;
import io.elasticmesh.proto.reasoning.v1.GenerateSolutionRequest;
import io.elasticmesh.proto.reasoning.v1.GenerateSolutionResponse;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingRequest;
import io.elasticmesh.proto.reasoning.v1.GenerateThinkingResponse;
import io.elasticmesh.proto.reasoning.v1.SolutionServiceGrpc;
import io.elasticmesh.proto.reasoning.v1.StreamSolutionRequest;
import io.elasticmesh.proto.reasoning.v1.StreamSolutionResponse;
import io.elasticmesh.proto.reasoning.v1.StreamThinkingRequest;
import io.elasticmesh.proto.reasoning.v1.StreamThinkingResponse;
import io.elasticmesh.proto.reasoning.v1.TextDelta;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * In-process stand-ins for decoder-service and solution-service (and audit-service's continuation read), answering as each test scripts: text deltas, the
 * phase's result, a failure, delays, or nothing at all. Every call's script runs on a thread of its own, so it may
 * block; the fakes record every request and every cancellation they see.
 */
final class PhaseFakes {

    private static final ExecutorService SCRIPTS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "phase-fake");
        thread.setDaemon(true);
        return thread;
    });

    /** How long a test waits for something a fake must see before it calls the run hung. */
    static final long PATIENCE_SECONDS = 10;

    private PhaseFakes() {}

    /** What one phase call does with its request; throw a {@link StatusRuntimeException} to fail the call. */
    @FunctionalInterface
    interface Script<Q, R> {
        R answer(Call<Q> call) throws InterruptedException;
    }

    /** One call as its script sees it. */
    static final class Call<Q> {
        final Q request;
        private final long arrivedNanos = System.nanoTime();
        private final Consumer<TextDelta> deltas;
        private final CountDownLatch cancelled;

        private Call(Q request, Consumer<TextDelta> deltas, CountDownLatch cancelled) {
            this.request = request;
            this.deltas = deltas;
            this.cancelled = cancelled;
        }

        /** Streams text to the caller (a unary call drops it, as the real services send none). */
        void delta(String text, int tokens) {
            deltas.accept(TextDelta.newBuilder().setText(text).setTokens(tokens).build());
        }

        long elapsedMillis() {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - arrivedNanos);
        }

        /** A phase that never answers: blocks until the caller cancels (its deadline passing included). */
        <R> R awaitCancellation() throws InterruptedException {
            if (!cancelled.await(PATIENCE_SECONDS, TimeUnit.SECONDS)) {
                throw Status.INTERNAL
                        .withDescription("the fake was never cancelled")
                        .asRuntimeException();
            }
            return null;
        }
    }

    /** Requests a fake received, in order, and the cancellations it saw. */
    static final class Seen<Q> {
        final List<Q> requests = new CopyOnWriteArrayList<>();
        final List<Boolean> streamed = new CopyOnWriteArrayList<>();
        final CountDownLatch cancelled = new CountDownLatch(1);

        Q only() {
            if (requests.size() != 1) {
                throw new AssertionError("expected one call, saw " + requests.size() + ": " + requests);
            }
            return requests.get(0);
        }

        Q last() {
            return requests.get(requests.size() - 1);
        }

        boolean sawCancellation() throws InterruptedException {
            return cancelled.await(PATIENCE_SECONDS, TimeUnit.SECONDS);
        }
    }

    static final class Decoder extends DecoderServiceGrpc.DecoderServiceImplBase {
        final Seen<GenerateThinkingRequest> seen = new Seen<>();
        volatile Script<GenerateThinkingRequest, GenerateThinkingResponse> script = call -> {
            throw Status.UNIMPLEMENTED.withDescription("no script").asRuntimeException();
        };

        @Override
        public void generateThinking(GenerateThinkingRequest request, StreamObserver<GenerateThinkingResponse> out) {
            serve(request, false, out, seen, script, null, Function.identity());
        }

        @Override
        public void streamThinking(StreamThinkingRequest request, StreamObserver<StreamThinkingResponse> out) {
            serve(
                    request.getRequest(),
                    true,
                    out,
                    seen,
                    script,
                    delta -> StreamThinkingResponse.newBuilder()
                            .setThinkingDelta(delta)
                            .build(),
                    done -> StreamThinkingResponse.newBuilder()
                            .setCompleted(done)
                            .build());
        }
    }

    static final class Solution extends SolutionServiceGrpc.SolutionServiceImplBase {
        final Seen<GenerateSolutionRequest> seen = new Seen<>();
        volatile Script<GenerateSolutionRequest, GenerateSolutionResponse> script = call -> {
            throw Status.UNIMPLEMENTED.withDescription("no script").asRuntimeException();
        };

        @Override
        public void generateSolution(GenerateSolutionRequest request, StreamObserver<GenerateSolutionResponse> out) {
            serve(request, false, out, seen, script, null, Function.identity());
        }

        @Override
        public void streamSolution(StreamSolutionRequest request, StreamObserver<StreamSolutionResponse> out) {
            serve(
                    request.getRequest(),
                    true,
                    out,
                    seen,
                    script,
                    delta -> StreamSolutionResponse.newBuilder()
                            .setSolutionDelta(delta)
                            .build(),
                    done -> StreamSolutionResponse.newBuilder()
                            .setCompleted(done)
                            .build());
        }
    }

    /**
     * audit-service's GetContinuation over the events the router audited, as if each were stored at once (what the
     * real service stores is its own tests' business); {@code down} answers UNAVAILABLE instead.
     */
    static final class AuditStore extends AuditServiceGrpc.AuditServiceImplBase {
        final List<AuditEvent> stored;
        final Seen<GetContinuationRequest> seen = new Seen<>();
        volatile boolean down;

        AuditStore(List<AuditEvent> stored) {
            this.stored = stored;
        }

        @Override
        public void getContinuation(GetContinuationRequest request, StreamObserver<GetContinuationResponse> out) {
            seen.requests.add(request);
            if (down) {
                out.onError(
                        Status.UNAVAILABLE.withDescription("audit-service down").asRuntimeException());
                return;
            }
            stored.stream()
                    .filter(e -> e.getResponse().getRequestId().equals(request.getRequestId()))
                    .findFirst()
                    .ifPresentOrElse(
                            e -> {
                                out.onNext(GetContinuationResponse.newBuilder()
                                        .setTenant(e.getTenant())
                                        .setRequest(e.getRequest())
                                        .setThinkingPromptText(e.getThinkingPromptText())
                                        .setThinkingText(e.getResponse().getThinkingText())
                                        .setThinkingTruncated(e.getResponse().getThinkingTruncated())
                                        .setTruncationReason(e.getResponse().getTruncationReason())
                                        .setUsage(e.getResponse().getUsage())
                                        .setBudget(e.getResponse().getBudget())
                                        .setSampling(e.getResponse().getSampling())
                                        .build());
                                out.onCompleted();
                            },
                            () -> out.onError(Status.NOT_FOUND
                                    .withDescription("no audit event")
                                    .asRuntimeException()));
        }
    }

    /**
     * @param delta wraps a text delta in the streamed response; null for a unary call
     * @param completed wraps the phase's result in the response
     */
    private static <Q, R, E> void serve(
            Q request,
            boolean streaming,
            StreamObserver<E> out,
            Seen<Q> seen,
            Script<Q, R> script,
            Function<TextDelta, E> delta,
            Function<R, E> completed) {
        ServerCallStreamObserver<E> call = (ServerCallStreamObserver<E>) out;
        CountDownLatch cancelled = new CountDownLatch(1);
        call.setOnCancelHandler(() -> {
            cancelled.countDown();
            seen.cancelled.countDown();
        });
        seen.requests.add(request);
        seen.streamed.add(streaming);
        // Off the call's own executor: gRPC delivers the cancellation there, after the handler returns.
        SCRIPTS.execute(() -> {
            try {
                R result = script.answer(new Call<>(
                        request,
                        d -> {
                            if (delta != null) {
                                call.onNext(delta.apply(d));
                            }
                        },
                        cancelled));
                if (cancelled.getCount() > 0) {
                    call.onNext(completed.apply(result));
                    call.onCompleted();
                }
            } catch (StatusRuntimeException e) {
                call.onError(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                call.onError(Status.ABORTED.withDescription("fake interrupted").asRuntimeException());
            }
        });
    }
}
