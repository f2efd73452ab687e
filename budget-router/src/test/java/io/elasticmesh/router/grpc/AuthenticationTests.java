package io.elasticmesh.router.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.elasticmesh.identity.AuthenticationInterceptor;
import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc.BudgetRouterBlockingStub;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.ListTiersRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.RouterAdminGrpc;
import io.elasticmesh.proto.reasoning.v1.RouterAdminGrpc.RouterAdminBlockingStub;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The router with a principals file: who may call, as which tenant, on which tiers (downstream services absent). */
@QuarkusTest
@TestProfile(AuthenticationTests.WithPrincipals.class)
public class AuthenticationTests {

    public static class WithPrincipals implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "router.tiers-file",
                    "src/test/resources/auth/tiers.yaml",
                    "router.principals-file",
                    "src/test/resources/auth/principals.yaml");
        }
    }

    private ManagedChannel channel;

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", 9101)
                .usePlaintext()
                .build();
    }

    @AfterEach
    void disconnect() {
        channel.shutdownNow();
    }

    private <S extends AbstractStub<S>> S withKey(S stub, String apiKey) {
        Metadata headers = new Metadata();
        if (apiKey != null) {
            headers.put(AuthenticationInterceptor.API_KEY, apiKey);
        }
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private BudgetRouterBlockingStub router(String apiKey) {
        return withKey(BudgetRouterGrpc.newBlockingStub(channel), apiKey);
    }

    private RouterAdminBlockingStub admin(String apiKey) {
        return withKey(RouterAdminGrpc.newBlockingStub(channel), apiKey);
    }

    private static ReasonRequest.Builder request() {
        return ReasonRequest.newBuilder()
                .addMessages(ChatMessage.newBuilder()
                        .setRole(ChatMessage.Role.ROLE_USER)
                        .setContent("hi"));
    }

    private Status reason(String apiKey, ReasonRequest.Builder request) {
        return catchThrowableOfType(
                        StatusRuntimeException.class, () -> router(apiKey).reason(request.build()))
                .getStatus();
    }

    @Test
    void aCallWithoutCredentialsIsUnauthenticated() {
        Status e = reason(null, request().setTier("gold"));

        assertThat(e.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(e.getDescription()).isEqualTo("missing x-api-key metadata");
    }

    @Test
    void anUnknownKeyIsUnauthenticatedAndNotRepeated() {
        Status e = reason("guessed-key", request().setTier("gold"));

        assertThat(e.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(e.getDescription()).isEqualTo("unknown API key");
    }

    @Test
    void theTenantComesFromThePrincipalAndGetsItsDefaultTier() {
        // Authenticated and admitted to acme's default tier: the request reaches the (absent) decoder.
        assertThat(reason("acme-client-key", request()).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(reason("acme-client-key", request().setTenant("acme")).getCode())
                .isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void aTierTheTenantMayNotUseIsPermissionDenied() {
        Status e = reason("acme-client-key", request().setTier("silver"));

        assertThat(e.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(e.getDescription()).isEqualTo("tenant 'acme' may not use tier 'silver'; its tiers: [gold]");
    }

    @Test
    void namingAnotherTenantIsPermissionDeniedNotOverridden() {
        Status e = reason("acme-client-key", request().setTenant("globex"));

        assertThat(e.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(e.getDescription())
                .isEqualTo("tenant 'globex' differs from tenant 'acme' of the authenticated "
                        + "principal 'acme-app'; leave the tenant field empty");
    }

    @Test
    void aPrincipalOfATenantMissingFromTheTierFileIsPermissionDenied() {
        Status e = reason("ghost-key", request().setTier("gold"));

        assertThat(e.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(e.getDescription())
                .isEqualTo("tenant 'ghost' has no entry in the tier file; ask ops to add it " + "under 'tenants'");
    }

    @Test
    void adminRpcsNeedTheAdminRole() {
        StatusRuntimeException e = catchThrowableOfType(
                StatusRuntimeException.class,
                () -> admin("acme-client-key").listTiers(ListTiersRequest.getDefaultInstance()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(e.getStatus().getDescription())
                .isEqualTo("principal 'acme-app' needs role 'admin'; it has " + "[client]");
        assertThat(admin("acme-ops-key")
                        .listTiers(ListTiersRequest.getDefaultInstance())
                        .getTiersCount())
                .isEqualTo(2);
    }
}
