package io.elasticmesh.identity;

import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;
import org.jboss.logging.Logger;

/**
 * Authenticates every call before it reaches a handler: the {@code x-api-key} metadata, or else the subject of the
 * mTLS client certificate (when the server requires client auth). On success the handler finds the caller in
 * {@link Principals#current()}; otherwise the call ends UNAUTHENTICATED. Health checks and server reflection stay
 * open so probes and tooling need no credentials. Logs name principals and methods, never a key or a hash.
 * <p>
 * The one authentication of every service: a service's {@code @GlobalInterceptor} bean only extends it with where its
 * credentials come from (and, for audit-service, a {@link CallObserver} that records every call). Abstract, so that
 * Quarkus' gRPC extension does not take this base for a server interceptor nobody registered.
 */
public abstract class AuthenticationInterceptor implements ServerInterceptor {

    public static final Metadata.Key<String> API_KEY = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);

    private static final Set<String> OPEN_SERVICES = Set.of(
            "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");
    private static final Logger LOG = Logger.getLogger(AuthenticationInterceptor.class);

    private final Supplier<? extends Optional<? extends CredentialStore>> store;
    private final CallObserver observer;

    /** @param store read on every call, so a reloaded store takes effect on the next call */
    protected AuthenticationInterceptor(Supplier<? extends CredentialStore> store) {
        this(() -> Optional.of(store.get()), CallObserver.NONE);
    }

    /**
     * @param store read on every call, so a reloaded store takes effect on the next call; empty when no credentials
     *     are configured: then calls are not authenticated and {@link Principals#current()} finds no caller
     * @param observer sees every call first, refused ones included
     */
    protected AuthenticationInterceptor(
            Supplier<? extends Optional<? extends CredentialStore>> store, CallObserver observer) {
        this.store = store;
        this.observer = observer;
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
            ServerCall<ReqT, RespT> received, Metadata headers, ServerCallHandler<ReqT, RespT> handler) {
        CallObserver.Observed<ReqT, RespT> observed = observer.observe(received, handler);
        ServerCall<ReqT, RespT> call = observed.call();
        ServerCallHandler<ReqT, RespT> next = observed.next();
        String method = call.getMethodDescriptor().getFullMethodName();
        Optional<? extends CredentialStore> credentials = store.get();
        if (credentials.isEmpty()
                || OPEN_SERVICES.contains(call.getMethodDescriptor().getServiceName())) {
            return next.startCall(call, headers);
        }
        String apiKey = headers.get(API_KEY);
        Optional<X500Principal> subject = clientSubject(call.getAttributes());
        Optional<Principal> principal;
        String refusal;
        if (apiKey != null) {
            principal = credentials.get().findByApiKey(apiKey);
            refusal = "unknown API key";
        } else if (subject.isPresent()) {
            principal = credentials.get().findByCertificateSubject(subject.get());
            refusal = "client certificate subject '" + subject.get().getName() + "' is not a known principal; "
                    + "send x-api-key metadata or register the subject";
        } else {
            principal = Optional.empty();
            refusal = "missing x-api-key metadata";
        }
        if (principal.isEmpty()) {
            LOG.infof("refused %s: %s", method, refusal);
            call.close(Status.UNAUTHENTICATED.withDescription(refusal), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        LOG.debugf(
                "principal %s (tenant %s) calls %s",
                principal.get().name(), principal.get().tenant(), method);
        Context context = Context.current().withValue(Principals.KEY, principal.get());
        return Contexts.interceptCall(context, call, headers, next);
    }

    private static Optional<X500Principal> clientSubject(Attributes attributes) {
        SSLSession session = attributes.get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null) {
            return Optional.empty();
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf
                    ? Optional.of(leaf.getSubjectX500Principal())
                    : Optional.empty();
        } catch (SSLPeerUnverifiedException noClientCertificate) {
            return Optional.empty();
        }
    }
}
