package io.elasticmesh.audit.grpc;

import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.TextFormat;
import io.elasticmesh.audit.QueryLogEntry;
import io.elasticmesh.audit.service.QueryLog;
import io.elasticmesh.identity.CallObserver;
import io.elasticmesh.identity.Principal;
import io.elasticmesh.identity.Principals;
import io.elasticmesh.proto.audit.v1.AuditServiceGrpc;
import io.elasticmesh.proto.audit.v1.ReviewServiceGrpc;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import java.net.SocketAddress;
import org.jboss.logging.Logger;

/**
 * One compliance call on its way through: remembers the request and the principal (when authentication found one)
 * and records the call in the query log with the status it is answered with. A reply is recorded before it is
 * sent; when that fails, the caller gets UNAVAILABLE instead of the data, so nothing is served unrecorded.
 */
final class RecordedCall<ReqT, RespT> extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {

    private static final Logger LOG = Logger.getLogger(RecordedCall.class);
    /** The query log keeps this much of a request's text form; the 4 MiB a request may have would be noise. */
    static final int MAX_REQUEST_CHARS = 2_000;

    private final QueryLog log;
    private volatile Principal principal;
    private volatile String request = "";
    private volatile boolean recorded;
    /** sendMessage closed the call itself, because the reply could not be recorded. */
    private volatile boolean withheld;

    RecordedCall(ServerCall<ReqT, RespT> call, QueryLog log) {
        super(call);
        this.log = log;
    }

    /** Records every call of the compliance and review APIs (not health's) around authentication. */
    static CallObserver observer(QueryLog log) {
        return new CallObserver() {
            @Override
            public <Q, R> Observed<Q, R> observe(ServerCall<Q, R> call, ServerCallHandler<Q, R> next) {
                String service = call.getMethodDescriptor().getServiceName();
                if (!AuditServiceGrpc.SERVICE_NAME.equals(service) && !ReviewServiceGrpc.SERVICE_NAME.equals(service)) {
                    return new Observed<>(call, next);
                }
                RecordedCall<Q, R> recorded = new RecordedCall<>(call, log);
                return new Observed<>(recorded, recorded.handler(next));
            }
        };
    }

    /** Wraps the handler that authentication calls once it has put the principal in the context. */
    ServerCallHandler<ReqT, RespT> handler(ServerCallHandler<ReqT, RespT> next) {
        return (call, headers) -> {
            principal = Principals.KEY.get();
            return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(
                    next.startCall(call, headers)) {
                @Override
                public void onMessage(ReqT message) {
                    request = text(message);
                    super.onMessage(message);
                }
            };
        };
    }

    @Override
    public void sendMessage(RespT message) {
        if (withheld) {
            return;
        }
        // A streamed reply (an export) is recorded once, before its first message.
        if (recorded) {
            super.sendMessage(message);
            return;
        }
        try {
            record(Status.OK);
        } catch (RuntimeException e) {
            LOG.errorf(
                    "refused to serve %s to '%s': the query log did not take it: %s", method(), name(), e.getMessage());
            super.close(
                    Status.UNAVAILABLE.withDescription("the query could not be recorded in the query log, so "
                            + "nothing was served; retry later"),
                    new Metadata());
            withheld = true;
            return;
        }
        super.sendMessage(message);
    }

    @Override
    public void close(Status status, Metadata trailers) {
        if (withheld) {
            return;
        }
        if (!recorded) {
            try {
                record(status);
            } catch (RuntimeException e) {
                LOG.errorf(
                        "query log entry lost (%s by '%s', %s): %s",
                        method(), name(), status.getCode(), e.getMessage());
            }
        }
        super.close(status, trailers);
    }

    private void record(Status status) {
        recorded = true;
        Principal caller = principal;
        SocketAddress peer = getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        log.record(new QueryLogEntry(
                name(),
                caller == null ? "" : caller.tenant(),
                caller == null ? "" : String.join(",", caller.roles()),
                peer == null ? "" : peer.toString(),
                getMethodDescriptor().getBareMethodName(),
                request,
                outcome(status)));
    }

    static String outcome(Status status) {
        return status.isOk() ? "allowed" : "refused: " + status.getCode() + ": " + status.getDescription();
    }

    private String name() {
        Principal caller = principal;
        return caller == null ? "" : caller.name();
    }

    private String method() {
        return getMethodDescriptor().getFullMethodName();
    }

    static String text(Object message) {
        String text = message instanceof MessageOrBuilder m
                ? TextFormat.printer().shortDebugString(m)
                : String.valueOf(message);
        return text.length() <= MAX_REQUEST_CHARS
                ? text
                : text.substring(0, MAX_REQUEST_CHARS) + "… (" + text.length() + " characters)";
    }
}
