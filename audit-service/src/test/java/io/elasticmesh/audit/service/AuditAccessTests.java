package io.elasticmesh.audit.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.elasticmesh.identity.Principal;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class AuditAccessTests {

    @Provide
    Arbitrary<String> tenants() {
        return Arbitraries.of("", "acme", "globex", "initech");
    }

    @Provide
    Arbitrary<Set<String>> roles() {
        return Arbitraries.of("client", "auditor", "compliance", "continuation").set();
    }

    @Property
    void aListingNeverReachesBeyondWhatTheRolesAllow(
            @ForAll("tenants") String requested, @ForAll("roles") Set<String> roles) {
        Principal caller = new Principal("p", "acme", roles);
        StatusRuntimeException refused =
                catchThrowableOfType(StatusRuntimeException.class, () -> AuditAccess.listingScope(caller, requested));

        if (roles.contains("compliance")) {
            assertThat(refused).isNull();
            assertThat(AuditAccess.listingScope(caller, requested)).isEqualTo(requested);
        } else if (roles.contains("auditor") && (requested.isEmpty() || requested.equals("acme"))) {
            assertThat(refused).isNull();
            assertThat(AuditAccess.listingScope(caller, requested)).isEqualTo("acme");
        } else {
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        }
    }

    @Property
    void readingOneTenantNeedsComplianceOrBeingItsAuditor(
            @ForAll("tenants") String tenant, @ForAll("roles") Set<String> roles) {
        Principal caller = new Principal("p", "acme", roles);
        boolean allowed = roles.contains("compliance") || roles.contains("auditor") && tenant.equals("acme");

        StatusRuntimeException refused =
                catchThrowableOfType(StatusRuntimeException.class, () -> AuditAccess.requireRead(caller, tenant));

        assertThat(refused == null).isEqualTo(allowed);
    }

    @Property
    void withoutAnAuditRoleNothingIsReadableAndTheRefusalNamesNoTenant(
            @ForAll("tenants") String tenant, @ForAll("roles") Set<String> roles) {
        Principal caller = new Principal("p", "acme", roles);
        boolean auditRole = roles.contains("compliance") || roles.contains("auditor");

        StatusRuntimeException refused =
                catchThrowableOfType(StatusRuntimeException.class, () -> AuditAccess.requireAuditRole(caller));

        assertThat(refused == null).isEqualTo(auditRole);
        if (refused != null) {
            assertThat(refused.getStatus().getDescription()).doesNotContain("globex", "initech");
        }
        // mayRead answers exactly what requireRead enforces.
        assertThat(AuditAccess.mayRead(caller, tenant))
                .isEqualTo(catchThrowableOfType(
                                StatusRuntimeException.class, () -> AuditAccess.requireRead(caller, tenant))
                        == null);
    }

    /** The router's role reads what continuation needs of any tenant, and adds nothing to what events it may read. */
    @Property
    void theContinuationRoleReadsOnlyForContinuation(
            @ForAll("tenants") String tenant, @ForAll("roles") Set<String> roles) {
        Principal caller = new Principal("p", "acme", roles);
        Principal withoutIt = new Principal(
                "p",
                "acme",
                roles.stream().filter(r -> !r.equals("continuation")).collect(Collectors.toSet()));

        assertThat(AuditAccess.mayContinueFrom(caller, tenant))
                .isEqualTo(roles.contains("continuation") || AuditAccess.mayRead(caller, tenant));
        assertThat(catchThrowableOfType(StatusRuntimeException.class, () -> AuditAccess.requireContinuationRole(caller))
                        == null)
                .isEqualTo(roles.contains("continuation") || AuditAccess.mayRead(caller, "acme"));
        assertThat(AuditAccess.mayRead(caller, tenant)).isEqualTo(AuditAccess.mayRead(withoutIt, tenant));
    }
}
