package io.elasticmesh.audit.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.elasticmesh.identity.Principal;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class ReviewAccessTests {

    @Provide
    Arbitrary<String> tenants() {
        return Arbitraries.of("", "acme", "globex");
    }

    @Provide
    Arbitrary<Set<String>> roles() {
        return Arbitraries.of("client", "auditor", "reviewer", "compliance").set();
    }

    @Property
    void aQueueListingNeverReachesBeyondWhatTheRolesAllow(
            @ForAll("tenants") String requested, @ForAll("roles") Set<String> roles) {
        Principal caller = new Principal("p", "acme", roles);
        StatusRuntimeException refused =
                catchThrowableOfType(StatusRuntimeException.class, () -> ReviewAccess.listingScope(caller, requested));

        if (roles.contains("compliance")) {
            assertThat(ReviewAccess.listingScope(caller, requested)).isEqualTo(requested);
        } else if ((roles.contains("auditor") || roles.contains("reviewer"))
                && (requested.isEmpty() || requested.equals("acme"))) {
            assertThat(ReviewAccess.listingScope(caller, requested)).isEqualTo("acme");
        } else {
            assertThat(refused).isNotNull();
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        }
    }

    @Property
    void onlyComplianceAndTheTenantsOwnReviewersJudge(
            @ForAll("tenants") String tenant, @ForAll("roles") Set<String> roles) {
        Principal caller = new Principal("p", "acme", roles);
        boolean judges =
                catchThrowableOfType(StatusRuntimeException.class, () -> ReviewAccess.requireJudge(caller, tenant))
                        == null;

        assertThat(judges)
                .isEqualTo(roles.contains("compliance") || roles.contains("reviewer") && tenant.equals("acme"));
        if (judges) {
            assertThat(ReviewAccess.mayRead(caller, tenant)).isTrue();
        }
    }
}
