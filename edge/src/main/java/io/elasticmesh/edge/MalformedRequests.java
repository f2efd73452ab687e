package io.elasticmesh.edge;

import io.grpc.Attributes;
import io.grpc.BinaryLog;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.quarkus.grpc.api.ServerBuilderCustomizer;
import io.quarkus.grpc.runtime.config.GrpcServerConfiguration;
import io.vertx.grpc.VertxServerBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.InputStream;
import org.jboss.logging.Logger;

/**
 * Request bytes that are not a valid message (random bytes, a string field that is not UTF-8) are refused with
 * INVALID_ARGUMENT and one log line. grpc-java parses a request before any interceptor or handler sees it and
 * answers a parse failure with UNKNOWN "Application error processing RPC" and a SEVERE stack trace; the only
 * server-wide place that sees every method definition before that is {@link BinaryLog#wrapMethodDefinition} (what
 * grpc-java's own binary log uses to read raw messages). This binary log logs nothing: it registers each method
 * with a pass-through request marshaller and parses the request itself, inside the call, where a failure can be
 * answered properly. Health and reflection are covered too.
 */
@ApplicationScoped
public class MalformedRequests implements ServerBuilderCustomizer<VertxServerBuilder> {

    private static final Logger LOG = Logger.getLogger(MalformedRequests.class);

    @Override
    public void customize(GrpcServerConfiguration config, VertxServerBuilder builder) {
        builder.setBinaryLog(new ParseInCall());
    }

    /** {@code definition}, its requests parsed inside the call, a parse failure answered INVALID_ARGUMENT. */
    static <ReqT, RespT> ServerMethodDefinition<InputStream, RespT> parsedInCall(
            ServerMethodDefinition<ReqT, RespT> definition) {
        MethodDescriptor<ReqT, RespT> method = definition.getMethodDescriptor();
        MethodDescriptor<InputStream, RespT> raw = method.toBuilder(
                        PassThrough.INSTANCE, method.getResponseMarshaller())
                .build();
        return ServerMethodDefinition.create(raw, new ParsingHandler<>(method, definition.getServerCallHandler()));
    }

    private record ParsingHandler<ReqT, RespT>(
            MethodDescriptor<ReqT, RespT> method, ServerCallHandler<ReqT, RespT> next)
            implements ServerCallHandler<InputStream, RespT> {

        @Override
        public ServerCall.Listener<InputStream> startCall(ServerCall<InputStream, RespT> call, Metadata headers) {
            return new ParsingListener<>(call, method, next.startCall(new TypedCall<>(call, method), headers));
        }
    }

    private static final class ParsingListener<ReqT, RespT> extends ServerCall.Listener<InputStream> {

        private final ServerCall<InputStream, RespT> call;
        private final MethodDescriptor<ReqT, RespT> method;
        private final ServerCall.Listener<ReqT> next;
        private boolean refused;

        ParsingListener(
                ServerCall<InputStream, RespT> call,
                MethodDescriptor<ReqT, RespT> method,
                ServerCall.Listener<ReqT> next) {
            this.call = call;
            this.method = method;
            this.next = next;
        }

        @Override
        public void onMessage(InputStream message) {
            if (refused) {
                return;
            }
            ReqT parsed;
            try {
                parsed = method.parseRequest(message);
            } catch (RuntimeException malformed) {
                refused = true;
                String reason = "the request is not a valid " + requestType(method) + ": " + cause(malformed);
                LOG.infof("refused %s: %s", method.getFullMethodName(), reason);
                call.close(Status.INVALID_ARGUMENT.withDescription(reason), new Metadata());
                return;
            }
            next.onMessage(parsed);
        }

        @Override
        public void onHalfClose() {
            if (!refused) {
                next.onHalfClose();
            }
        }

        @Override
        public void onCancel() {
            next.onCancel();
        }

        @Override
        public void onComplete() {
            next.onComplete();
        }

        @Override
        public void onReady() {
            if (!refused) {
                next.onReady();
            }
        }
    }

    private static String requestType(MethodDescriptor<?, ?> method) {
        return method.getRequestMarshaller() instanceof MethodDescriptor.ReflectableMarshaller<?> reflectable
                ? reflectable.getMessageClass().getSimpleName()
                : "request message";
    }

    /** The first sentence of the innermost message, protobuf's own words, e.g. "Protocol message had invalid UTF-8.". */
    private static String cause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int sentence = message.indexOf(". ");
        return sentence < 0 ? message : message.substring(0, sentence + 1);
    }

    static final class ParseInCall extends BinaryLog {

        @Override
        public <ReqT, RespT> ServerMethodDefinition<?, ?> wrapMethodDefinition(
                ServerMethodDefinition<ReqT, RespT> definition) {
            return parsedInCall(definition);
        }

        @Override
        public Channel wrapChannel(Channel channel) {
            return channel;
        }

        @Override
        public void close() {}
    }

    /** The request bytes as they arrived, parsed later by the original marshaller. */
    private enum PassThrough implements MethodDescriptor.Marshaller<InputStream> {
        INSTANCE;

        @Override
        public InputStream stream(InputStream value) {
            return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
            return stream;
        }
    }

    /** The call as the original method's handler and interceptors expect it: typed requests, the original method. */
    private static final class TypedCall<ReqT, RespT> extends ServerCall<ReqT, RespT> {

        private final ServerCall<InputStream, RespT> raw;
        private final MethodDescriptor<ReqT, RespT> method;

        TypedCall(ServerCall<InputStream, RespT> raw, MethodDescriptor<ReqT, RespT> method) {
            this.raw = raw;
            this.method = method;
        }

        @Override
        public void request(int numMessages) {
            raw.request(numMessages);
        }

        @Override
        public void sendHeaders(Metadata headers) {
            raw.sendHeaders(headers);
        }

        @Override
        public void sendMessage(RespT message) {
            raw.sendMessage(message);
        }

        @Override
        public boolean isReady() {
            return raw.isReady();
        }

        @Override
        public void close(Status status, Metadata trailers) {
            raw.close(status, trailers);
        }

        @Override
        public boolean isCancelled() {
            return raw.isCancelled();
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            raw.setMessageCompression(enabled);
        }

        @Override
        public void setCompression(String compressor) {
            raw.setCompression(compressor);
        }

        @Override
        public void setOnReadyThreshold(int numBytes) {
            raw.setOnReadyThreshold(numBytes);
        }

        @Override
        public SecurityLevel getSecurityLevel() {
            return raw.getSecurityLevel();
        }

        @Override
        public Attributes getAttributes() {
            return raw.getAttributes();
        }

        @Override
        public String getAuthority() {
            return raw.getAuthority();
        }

        @Override
        public MethodDescriptor<ReqT, RespT> getMethodDescriptor() {
            return method;
        }
    }
}
