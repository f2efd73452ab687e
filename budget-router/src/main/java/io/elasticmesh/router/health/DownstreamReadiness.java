package io.elasticmesh.router.health;

import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import grpc.health.v1.MutinyHealthGrpc;
import io.grpc.Channel;
import io.quarkus.grpc.GrpcClient;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when decoder-service and solution-service both answer grpc.health.v1 with SERVING: a request admitted now
 * could run both phases. Only readiness; the router stays live while they are away.
 */
@Readiness
@ApplicationScoped
public class DownstreamReadiness implements AsyncHealthCheck {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final Channel decoder;
    private final Channel solution;

    public DownstreamReadiness(@GrpcClient("decoder") Channel decoder, @GrpcClient("solution") Channel solution) {
        this.decoder = decoder;
        this.solution = solution;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.combine()
                .all()
                .unis(status(decoder), status(solution))
                .with((decoderStatus, solutionStatus) -> HealthCheckResponse.named("downstream")
                        .status(decoderStatus == ServingStatus.SERVING && solutionStatus == ServingStatus.SERVING)
                        .withData("decoder-service", decoderStatus.name())
                        .withData("solution-service", solutionStatus.name())
                        .build());
    }

    /** The service's overall status; UNKNOWN when it cannot be reached in time. */
    private static Uni<ServingStatus> status(Channel channel) {
        return MutinyHealthGrpc.newMutinyStub(channel)
                .withDeadlineAfter(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .check(HealthCheckRequest.getDefaultInstance())
                .map(response -> response.getStatus())
                .onFailure()
                .recoverWithItem(ServingStatus.UNKNOWN);
    }
}
