package io.elasticmesh.audit;

import static org.assertj.core.api.Assertions.assertThat;

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

        assertThat(ChainHash.link(ChainHash.GENESIS, altered)).isNotEqualTo(ChainHash.link(ChainHash.GENESIS, payload));
    }

    @Property
    void theSameEventAfterAnotherPreviousLinkHashesDifferently(@ForAll byte[] payload) {
        String first = ChainHash.link(ChainHash.GENESIS, payload);

        assertThat(ChainHash.link(first, payload))
                .isNotEqualTo(first)
                .hasSize(64)
                .matches("[0-9a-f]+");
    }

    @Property
    void aCheckpointVouchedWithOneKeyDoesNotVerifyWithAnother(@ForAll @IntRange(min = 1) int position) {
        String hash = ChainHash.link(ChainHash.GENESIS, new byte[] {1});

        assertThat(ChainHash.checkpointMac("key-a", "acme", position, hash))
                .isEqualTo(ChainHash.checkpointMac("key-a", "acme", position, hash))
                .isNotEqualTo(ChainHash.checkpointMac("key-b", "acme", position, hash))
                .isNotEqualTo(ChainHash.checkpointMac("key-a", "acme", position + 1, hash));
    }
}
