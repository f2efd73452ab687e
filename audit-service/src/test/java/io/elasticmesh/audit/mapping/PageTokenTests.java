package io.elasticmesh.audit.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elasticmesh.audit.EventFilter;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class PageTokenTests {

    private static EventFilter filter(String tenant) {
        return new EventFilter(tenant, "", "", Instant.EPOCH, null, true, "", "", "", "needle");
    }

    @Property
    void aTokenLeadsBackToWhereItsPageEnded(@ForAll @LongRange(min = 1) long seq, @ForAll String tenant) {
        assertThat(PageToken.decode(PageToken.encode(seq, filter(tenant)), filter(tenant)))
                .isEqualTo(seq);
    }

    @Test
    void noTokenStartsAtTheNewest() {
        assertThat(PageToken.decode("", filter("acme"))).isZero();
    }

    @Test
    void aTokenOfOtherFiltersIsRefused() {
        String token = PageToken.encode(42, filter("acme"));

        assertThatThrownBy(() -> PageToken.decode(token, filter("globex"))).hasMessageContaining("other filters");
    }

    @Test
    void aForgedTokenIsRefused() {
        assertThatThrownBy(() -> PageToken.decode("djE6LTE6YWJj", filter("acme")))
                .hasMessageContaining("not one this service issued");
        assertThatThrownBy(() -> PageToken.decode("%%%", filter("acme")))
                .hasMessageContaining("not one this service issued");
    }
}
