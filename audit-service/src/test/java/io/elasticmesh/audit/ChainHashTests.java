package io.elasticmesh.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.auditchain.LinkHash;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ChainHashTests {

    @Property
    void changingAnyByteOfTheEventChangesItsLink(
            @ForAll @Size(min = 1, max = 200) byte[] payload,
            @ForAll @IntRange(max = 199) int index,
            @ForAll byte flip) {
        int at = index % payload.length;
        byte[] altered = payload.clone();
        altered[at] ^= (byte) (flip == 0 ? 1 : flip);

        assertThat(LinkHash.of(LinkHash.GENESIS, altered)).isNotEqualTo(LinkHash.of(LinkHash.GENESIS, payload));
    }

    @Property
    void theSameEventAfterAnotherPreviousLinkHashesDifferently(@ForAll byte[] payload) {
        String first = LinkHash.of(LinkHash.GENESIS, payload);

        assertThat(LinkHash.of(first, payload)).isNotEqualTo(first).hasSize(64).matches("[0-9a-f]+");
    }

    @Property
    void aCheckpointVouchedWithOneKeyDoesNotVerifyWithAnother(@ForAll @IntRange(min = 1) int position) {
        String hash = LinkHash.of(LinkHash.GENESIS, new byte[] {1});

        assertThat(ChainHash.checkpointMac("key-a", "acme", position, hash))
                .isEqualTo(ChainHash.checkpointMac("key-a", "acme", position, hash))
                .isNotEqualTo(ChainHash.checkpointMac("key-b", "acme", position, hash))
                .isNotEqualTo(ChainHash.checkpointMac("key-a", "acme", position + 1, hash));
    }
}
