package io.elasticmesh.edge;

import com.google.protobuf.Any;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The one error policy of every service: what status a failure is answered with.
 * <ul>
 * <li>a {@link DomainException} with its own status, message and details;</li>
 * <li>a status chosen on purpose (a {@code StatusRuntimeException} thrown by an authorization check, or passed on
 * from a downstream service) as it is, except UNKNOWN, which says nothing and is treated as unexpected;</li>
 * <li>a dependency that cannot be reached (a refused connection, a database connection failure) UNAVAILABLE;</li>
 * <li>anything else INTERNAL, with a correlation id in the reply and in one log line; the stack trace is logged
 * the first time a kind of failure is seen (and at DEBUG after), never sent to the client.</li>
 * </ul>
 * A JDK exception such as {@code IllegalArgumentException} is not a protocol: from a library it is a bug here, not
 * the caller's fault, so it is INTERNAL like the rest.
 */
public final class ErrorPolicy {

    private static final Logger LOG = Logger.getLogger(ErrorPolicy.class);
    /** Kinds of unexpected failure whose stack trace was logged; bounded so a flood of kinds cannot grow it. */
    private static final Set<String> STACKS_LOGGED = ConcurrentHashMap.newKeySet();

    private static final int MAX_KINDS = 256;

    private ErrorPolicy() {}

    /** The status code {@code failure} is answered with, without logging (e.g. for a metric's label). */
    public static Status.Code codeOf(Throwable failure) {
        Throwable f = unwrap(failure);
        if (f instanceof DomainException domain) {
            return domain.code();
        }
        Status.Code chosen = chosenStatus(f);
        if (chosen != null && chosen != Status.Code.UNKNOWN) {
            return chosen;
        }
        return outage(f) ? Status.Code.UNAVAILABLE : Status.Code.INTERNAL;
    }

    /** The reply to {@code failure}; logs it when it is unexpected or an outage. */
    public static StatusRuntimeException toStatus(Throwable failure) {
        Throwable f = unwrap(failure);
        if (f instanceof DomainException domain) {
            com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                    .setCode(domain.code().value())
                    .setMessage(domain.description());
            domain.details().forEach(detail -> status.addDetails(Any.pack(detail)));
            return StatusProto.toStatusRuntimeException(status.build());
        }
        Status.Code chosen = chosenStatus(f);
        if (chosen != null && chosen != Status.Code.UNKNOWN) {
            return f instanceof StatusRuntimeException sre
                    ? sre
                    : new StatusRuntimeException(
                            ((StatusException) f).getStatus(), ((StatusException) f).getTrailers());
        }
        if (outage(f)) {
            String message = "a dependency is unavailable: " + summary(f);
            LOG.warn(message);
            return Status.UNAVAILABLE.withDescription(message).asRuntimeException();
        }
        return unexpected(f);
    }

    private static StatusRuntimeException unexpected(Throwable failure) {
        String id = UUID.randomUUID().toString().substring(0, 13);
        String line = "INTERNAL " + id + ": " + summary(failure);
        StackTraceElement[] stack = failure.getStackTrace();
        String kind = failure.getClass().getName() + (stack.length > 0 ? "@" + stack[0] : "");
        if (STACKS_LOGGED.size() < MAX_KINDS && STACKS_LOGGED.add(kind)) {
            LOG.error(line, failure);
        } else {
            LOG.error(line);
            LOG.debug(line, failure);
        }
        return Status.INTERNAL
                .withDescription("internal error, correlation id " + id + " (the service's log has the cause)")
                .asRuntimeException();
    }

    private static Status.Code chosenStatus(Throwable f) {
        if (f instanceof StatusRuntimeException sre) {
            return sre.getStatus().getCode();
        }
        return f instanceof StatusException se ? se.getStatus().getCode() : null;
    }

    /** A dependency down or unreachable, anywhere in the cause chain. */
    static boolean outage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException
                    || t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            // SQLSTATE class 08 is a connection exception; 57P01-03 a server shutting down or not yet accepting.
            if (t instanceof SQLException sql
                    && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable f = failure;
        while (f instanceof CompletionException && f.getCause() != null) {
            f = f.getCause();
        }
        return f;
    }

    private static String summary(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + Echo.bounded(message));
    }
}
