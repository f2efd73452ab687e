package io.elasticmesh.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class AuthorizationTests {

    private static final Principal ACME_APP = new Principal("acme-app", "acme", Set.of("client"));

    @Test
    void tierOutsideTheTenantsAllowListIsDeniedNamingWhatIsAllowed() {
        assertThatThrownBy(() -> Authorization.requireAllowed(ACME_APP, "tier", "gold", Set.of("standard", "bronze")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
                    assertThat(e.getStatus().getDescription())
                            .isEqualTo("tenant 'acme' may not use tier 'gold'; allowed: [bronze, standard]");
                });
    }

    @Property
    void allowListAdmitsExactlyItsMembers(
            @ForAll @Size(max = 4) Set<@AlphaChars @StringLength(min = 1, max = 3) String> allowed,
            @ForAll @AlphaChars @StringLength(min = 1, max = 3) String value) {
        if (allowed.contains(value)) {
            assertThatCode(() -> Authorization.requireAllowed(ACME_APP, "tier", value, allowed))
                    .doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> Authorization.requireAllowed(ACME_APP, "tier", value, allowed))
                    .isInstanceOf(StatusRuntimeException.class);
        }
    }

    @Test
    void missingRoleIsDeniedNamingTheRolesThePrincipalHas() {
        assertThatCode(() -> Authorization.requireRole(ACME_APP, "client")).doesNotThrowAnyException();
        assertThatThrownBy(() -> Authorization.requireRole(ACME_APP, "compliance"))
                .hasMessage("PERMISSION_DENIED: principal 'acme-app' needs role 'compliance'; it has [client]");
    }

    @Test
    void otherTenantsDataIsDenied() {
        assertThatCode(() -> Authorization.requireTenant(ACME_APP, "acme")).doesNotThrowAnyException();
        assertThatThrownBy(() -> Authorization.requireTenant(ACME_APP, "globex"))
                .hasMessage("PERMISSION_DENIED: principal 'acme-app' of tenant 'acme' may not access tenant 'globex'");
    }
}
