package io.elasticmesh.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Attributes;
import io.grpc.ForwardingServerCall;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.grpc.testing.protobuf.SimpleRequest;
import io.grpc.testing.protobuf.SimpleResponse;
import io.grpc.testing.protobuf.SimpleServiceGrpc;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Drives the interceptor through a real in-process gRPC server, registered for every service as Quarkus does. */
class AuthenticationInterceptorTests {

    private static final String ACME_KEY = "acme-secret-7f3a";
    private static final String PRINCIPALS = """
            principals:
              - name: acme-app
                tenant: acme
                roles: [client]
                api-key-sha256: "%s"
              - name: acme-gateway
                tenant: acme
                roles: [client]
                certificate-subject: "CN=acme-app,O=Acme"
            """;

    private final AtomicReference<CredentialStore> store = new AtomicReference<>(storeWith(HashKey.of(ACME_KEY)));
    private final List<Server> servers = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();

    private static CredentialStore storeWith(String hash) {
        return store(PRINCIPALS.formatted(hash));
    }

    private static CredentialStore store(String yaml) {
        return YamlCredentialStore.parse(
                new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "principals.yaml");
    }

    /** Answers with the principal the handler sees, so the tests observe what the interceptor put in the context. */
    private static final class WhoAmI extends SimpleServiceGrpc.SimpleServiceImplBase {
        @Override
        public void unaryRpc(SimpleRequest request, StreamObserver<SimpleResponse> response) {
            Principal caller = Principals.KEY.get();
            response.onNext(SimpleResponse.newBuilder()
                    .setResponseMessage(
                            caller == null ? "nobody" : caller.name() + "@" + caller.tenant() + " " + caller.roles())
                    .build());
            response.onCompleted();
        }
    }

    private ManagedChannel serve(ServerTransportFilter... filters) throws Exception {
        return serve(new AuthenticationInterceptor(store::get) {}, filters);
    }

    private ManagedChannel serve(AuthenticationInterceptor authentication, ServerTransportFilter... filters)
            throws Exception {
        String name = InProcessServerBuilder.generateName();
        HealthStatusManager health = new HealthStatusManager();
        InProcessServerBuilder server = InProcessServerBuilder.forName(name)
                .directExecutor()
                .addService(new WhoAmI())
                .addService(health.getHealthService())
                .intercept(authentication);
        for (ServerTransportFilter filter : filters) {
            server.addTransportFilter(filter);
        }
        servers.add(server.build().start());
        ManagedChannel channel =
                InProcessChannelBuilder.forName(name).directExecutor().build();
        channels.add(channel);
        return channel;
    }

    @AfterEach
    void stop() throws InterruptedException {
        channels.forEach(ManagedChannel::shutdownNow);
        for (Server server : servers) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static SimpleServiceGrpc.SimpleServiceBlockingStub client(ManagedChannel channel, String apiKey) {
        SimpleServiceGrpc.SimpleServiceBlockingStub stub =
                SimpleServiceGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS);
        if (apiKey == null) {
            return stub;
        }
        Metadata headers = new Metadata();
        headers.put(AuthenticationInterceptor.API_KEY, apiKey);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static String whoAmI(ManagedChannel channel, String apiKey) {
        return client(channel, apiKey)
                .unaryRpc(SimpleRequest.getDefaultInstance())
                .getResponseMessage();
    }

    private static void assertUnauthenticated(ManagedChannel channel, String apiKey, String description) {
        assertThatThrownBy(() -> whoAmI(channel, apiKey)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(e.getStatus().getDescription()).isEqualTo(description);
        });
    }

    @Test
    void callWithoutKeyIsUnauthenticated() throws Exception {
        assertUnauthenticated(serve(), null, "missing x-api-key metadata");
    }

    @Test
    void unknownKeyIsUnauthenticatedWithoutEchoingIt() throws Exception {
        assertUnauthenticated(serve(), "not-" + ACME_KEY, "unknown API key");
    }

    @Test
    void knownKeyReachesTheHandlerAsItsPrincipal() throws Exception {
        assertThat(whoAmI(serve(), ACME_KEY)).isEqualTo("acme-app@acme [client]");
    }

    @Test
    void healthChecksNeedNoCredentials() throws Exception {
        ServingStatus status = HealthGrpc.newBlockingStub(serve())
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus();

        assertThat(status).isEqualTo(ServingStatus.SERVING);
    }

    @Test
    void reloadedStoreTakesEffectOnTheNextCall() throws Exception {
        ManagedChannel channel = serve();
        assertThat(whoAmI(channel, ACME_KEY)).startsWith("acme-app@");

        store.set(storeWith(HashKey.of("rotated-key")));

        assertUnauthenticated(channel, ACME_KEY, "unknown API key");
        assertThat(whoAmI(channel, "rotated-key")).startsWith("acme-app@");
    }

    @Test
    void mtlsClientCertificateSubjectIdentifiesAPrincipalWithoutKey() throws Exception {
        assertThat(whoAmI(serve(presenting("acme-app.pem")), null)).isEqualTo("acme-gateway@acme [client]");
    }

    @Test
    void unknownCertificateSubjectIsUnauthenticatedNamingTheSubject() throws Exception {
        store.set(store("principals: [{name: a, tenant: t, api-key-sha256: '" + HashKey.of("k") + "'}]"));

        assertUnauthenticated(
                serve(presenting("acme-app.pem")),
                null,
                "client certificate subject 'CN=acme-app,O=Acme' "
                        + "is not a known principal; send x-api-key metadata or register the subject");
    }

    @Test
    void logsNamePrincipalsButNeverAKeyOrItsHash() throws Exception {
        List<String> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(new SimpleFormatter().formatMessage(record));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger logger = Logger.getLogger("io.elasticmesh.identity");
        Level level = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.addHandler(capture);
        try {
            ManagedChannel channel = serve();
            whoAmI(channel, ACME_KEY);
            assertThatThrownBy(() -> whoAmI(channel, "wrong-" + ACME_KEY)).isInstanceOf(StatusRuntimeException.class);
            assertThatThrownBy(() -> whoAmI(channel, null)).isInstanceOf(StatusRuntimeException.class);
        } finally {
            logger.removeHandler(capture);
            logger.setLevel(level);
        }

        assertThat(logged)
                .anySatisfy(line -> assertThat(line).contains("acme-app"))
                .anySatisfy(line -> assertThat(line).contains("unknown API key"))
                .anySatisfy(line -> assertThat(line).contains("missing x-api-key metadata"));
        String hex = HashKey.of(ACME_KEY).substring(HashKey.PREFIX.length());
        assertThat(logged)
                .allSatisfy(line -> assertThat(line).doesNotContain(ACME_KEY).doesNotContain(hex));
    }

    @Test
    void principalOutsideACallIsAnError() {
        assertThatThrownBy(Principals::current)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no authenticated principal");
    }

    @Test
    void withoutCredentialsConfiguredCallsGoThroughWithNoPrincipal() throws Exception {
        ManagedChannel channel = serve(new AuthenticationInterceptor(Optional::empty, CallObserver.NONE) {});

        assertThat(whoAmI(channel, null)).isEqualTo("nobody");
        assertThat(whoAmI(channel, "any-key")).isEqualTo("nobody");
    }

    @Test
    void theObserverSeesEveryCallWithItsStatusRefusalsIncluded() throws Exception {
        List<String> seen = new ArrayList<>();
        CallObserver observer = new CallObserver() {
            @Override
            public <Q, R> Observed<Q, R> observe(ServerCall<Q, R> call, ServerCallHandler<Q, R> next) {
                ServerCall<Q, R> watched = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                    @Override
                    public void close(Status status, Metadata trailers) {
                        seen.add(status.getCode().name());
                        super.close(status, trailers);
                    }
                };
                return new Observed<>(watched, (c, headers) -> {
                    seen.add("handler sees " + Principals.current().name());
                    return next.startCall(c, headers);
                });
            }
        };
        ManagedChannel channel = serve(new AuthenticationInterceptor(() -> Optional.of(store.get()), observer) {});

        assertThatThrownBy(() -> whoAmI(channel, null)).isInstanceOf(StatusRuntimeException.class);
        whoAmI(channel, ACME_KEY);

        assertThat(seen).containsExactly("UNAUTHENTICATED", "handler sees acme-app", "OK");
    }

    /** As a TLS transport with client auth would: the call's attributes carry the verified peer certificate. */
    private static ServerTransportFilter presenting(String certificateResource) throws Exception {
        Certificate certificate;
        try (InputStream pem = AuthenticationInterceptorTests.class.getResourceAsStream("/" + certificateResource)) {
            certificate = CertificateFactory.getInstance("X.509").generateCertificate(pem);
        }
        SSLSession session = (SSLSession) Proxy.newProxyInstance(
                SSLSession.class.getClassLoader(), new Class<?>[] {SSLSession.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getPeerCertificates")) {
                        return new Certificate[] {certificate};
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return new ServerTransportFilter() {
            @Override
            public Attributes transportReady(Attributes attributes) {
                return attributes.toBuilder()
                        .set(Grpc.TRANSPORT_ATTR_SSL_SESSION, session)
                        .build();
            }
        };
    }
}
