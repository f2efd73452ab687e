package io.elasticmesh.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenQuotasTests {

    private static final long MINUTE = 60_000_000_000L;
    private final Tenant acme = new Tenant("acme", Set.of("gold"), "gold", 600);
    private final TokenQuotas quotas = new TokenQuotas();

    @Test
    void aTenantIsAdmittedUntilItsActualUsageEmptiesTheBucket() {
        quotas.check(acme, 0);
        quotas.charge(acme, 500, 0);
        quotas.check(acme, 0);
        quotas.charge(acme, 400, 0); // the last request used more than was left: 300 tokens of debt

        assertThatThrownBy(() -> quotas.check(acme, 0))
                .isInstanceOfSatisfying(AdmissionRefused.class, r -> {
                    assertThat(r.reason()).isEqualTo(AdmissionRefused.Reason.QUOTA_EXHAUSTED);
                    // 301 tokens at 10 per second
                    assertThat(r.retryAfterNanos()).isEqualTo(30_100_000_000L);
                })
                .hasMessage("tenant 'acme' used its quota of 600 tokens per minute");
    }

    @Test
    void theBucketRefillsAtTheQuotaRateUpToOneMinuteOfTokens() {
        quotas.charge(acme, 900, 0);

        assertThatCode(() -> quotas.check(acme, MINUTE)).doesNotThrowAnyException();
        assertThat(quotas.remaining(acme, MINUTE)).isEqualTo(300);
        assertThat(quotas.remaining(acme, 10 * MINUTE))
                .as("never more than a minute's worth")
                .isEqualTo(600);
    }

    @Test
    void tenantsHaveSeparateBuckets() {
        Tenant other = new Tenant("other", Set.of("gold"), "gold", 600);
        quotas.charge(acme, 10_000, 0);

        assertThatCode(() -> quotas.check(other, 0)).doesNotThrowAnyException();
    }
}
