package io.elasticmesh.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ErrorPolicyTests {

    @Test
    void aDomainExceptionIsAnsweredWithItsOwnStatusMessageAndDetails() {
        StatusRuntimeException reply = ErrorPolicy.toStatus(new InvalidArgument("tier", "must be set"));

        assertThat(reply.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(reply.getStatus().getDescription()).isEqualTo("tier must be set");
        com.google.rpc.Status details = StatusProto.fromThrowable(reply);
        assertThat(details.getDetails(0).is(BadRequest.class)).isTrue();
    }

    @Test
    void aJdkExceptionFromAnywhereIsInternalWithACorrelationIdAndNothingOfItsText() {
        for (RuntimeException unexpected : new RuntimeException[] {
            new IllegalArgumentException("secret detail"),
            new NoSuchElementException("secret detail"),
            new IllegalStateException("secret detail")
        }) {
            StatusRuntimeException reply = ErrorPolicy.toStatus(unexpected);

            assertThat(reply.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
            assertThat(reply.getStatus().getDescription())
                    .matches("internal error, correlation id [0-9a-f-]{13} .*")
                    .doesNotContain("secret", "Exception");
            assertThat(ErrorPolicy.codeOf(unexpected)).isEqualTo(Status.Code.INTERNAL);
        }
    }

    @Test
    void aStatusChosenOnPurposePassesButUnknownIsUnexpected() {
        StatusRuntimeException denied =
                Status.PERMISSION_DENIED.withDescription("no").asRuntimeException();

        assertThat(ErrorPolicy.toStatus(denied)).isSameAs(denied);
        assertThat(ErrorPolicy.toStatus(Status.UNKNOWN.asRuntimeException())
                        .getStatus()
                        .getCode())
                .isEqualTo(Status.Code.INTERNAL);
        assertThat(ErrorPolicy.toStatus(Status.UNAVAILABLE.asException())
                        .getStatus()
                        .getCode())
                .isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void anUnreachableDependencyIsUnavailableWhereverItIsInTheCauseChain() {
        Throwable refused = new CompletionException(new UncheckedIOException(
                new java.io.IOException("call failed", new ConnectException("Connection refused"))));
        Throwable database = new RuntimeException(new SQLException("Connection to 127.0.0.1:1 refused", "08001"));

        assertThat(ErrorPolicy.toStatus(refused).getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(ErrorPolicy.codeOf(database)).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(ErrorPolicy.codeOf(new SQLException("syntax error", "42601")))
                .isEqualTo(Status.Code.INTERNAL);
    }
}
