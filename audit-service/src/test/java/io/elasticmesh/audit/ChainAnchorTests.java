package io.elasticmesh.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.auditchain.LinkHash;
import java.time.Instant;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class ChainAnchorTests {

    private static final String KEY = "k".repeat(32);
    private static final Instant AT = Instant.parse("2026-12-02T10:00:00.123456Z");

    private static String hash(long position) {
        return LinkHash.of(LinkHash.GENESIS, Long.toString(position).getBytes());
    }

    @Property
    void anAnchorVerifiesWithItsKeyAndNothingElse(@ForAll @LongRange(min = 1) long position) {
        ChainAnchor anchor = ChainAnchor.sign(KEY, "acme", position, hash(position), AT);

        assertThat(anchor.signedWith(KEY)).isTrue();
        assertThat(anchor.signedWith("x".repeat(32))).isFalse();
        assertThat(new ChainAnchor("globex", position, anchor.hash(), anchor.anchoredAt(), anchor.signature())
                        .signedWith(KEY))
                .isFalse();
        assertThat(new ChainAnchor("acme", position + 1, anchor.hash(), anchor.anchoredAt(), anchor.signature())
                        .signedWith(KEY))
                .isFalse();
        assertThat(new ChainAnchor("acme", position, hash(position + 1), anchor.anchoredAt(), anchor.signature())
                        .signedWith(KEY))
                .isFalse();
        assertThat(new ChainAnchor(
                                "acme",
                                position,
                                anchor.hash(),
                                anchor.anchoredAt().plusMillis(1),
                                anchor.signature())
                        .signedWith(KEY))
                .isFalse();
    }

    @Property
    void anAnchorSignatureIsNeverARetentionCheckpointsUnderTheSameKey(@ForAll @LongRange(min = 1) long position) {
        ChainAnchor anchor = ChainAnchor.sign(KEY, "acme", position, hash(position), AT);

        assertThat(anchor.signature()).isNotEqualTo(ChainHash.checkpointMac(KEY, "acme", position, hash(position)));
        assertThat(anchor.anchoredAt()).isEqualTo(Instant.parse("2026-12-02T10:00:00.123Z"));
    }

    @Property
    void aChainHoldingTheAnchoredHashContinuesIt(
            @ForAll @LongRange(min = 1, max = 1000) long position,
            @ForAll @LongRange(min = 0, max = 1000) long later,
            @ForAll @LongRange(min = 0, max = 1000) long retired) {
        ChainAnchor anchor = ChainAnchor.sign(KEY, "acme", position, hash(position), AT);
        long retiredPosition = Math.min(retired, position + later);

        assertThat(anchor.contradiction(position + later, retiredPosition, Optional.of(hash(position))))
                .isEmpty();
    }

    @Property
    void aRewrittenRewoundOrDeletedChainContradictsIt(
            @ForAll @LongRange(min = 2, max = 1000) long position, @ForAll @LongRange(min = 1, max = 1000) long back) {
        ChainAnchor anchor = ChainAnchor.sign(KEY, "acme", position, hash(position), AT);

        assertThat(anchor.contradiction(position, 0, Optional.of(hash(position + 1))))
                .get()
                .asString()
                .contains("rewritten");
        assertThat(anchor.contradiction(Math.max(0, position - back), 0, Optional.empty()))
                .get()
                .asString()
                .contains("newest links were deleted");
        assertThat(anchor.contradiction(position + back, 0, Optional.empty()))
                .get()
                .asString()
                .contains("missing");
    }

    @Property
    void anAnchorBehindTheRetentionCheckpointIsNotContradictedByTheRowsRetentionDeleted(
            @ForAll @LongRange(min = 1, max = 1000) long position, @ForAll @LongRange(min = 1, max = 1000) long more) {
        ChainAnchor anchor = ChainAnchor.sign(KEY, "acme", position, hash(position), AT);

        assertThat(anchor.contradiction(position + more, position + more, Optional.empty()))
                .isEmpty();
    }
}
