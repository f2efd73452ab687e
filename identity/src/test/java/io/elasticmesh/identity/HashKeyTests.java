package io.elasticmesh.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class HashKeyTests {

    @Test
    void hashIsSha256OfUtf8BytesInLowercaseHexLikeSha256sum() {
        // printf %s abc | sha256sum
        assertThat(HashKey.of("abc"))
                .isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        // printf %s 'ключ' | sha256sum: non-ASCII keys hash their UTF-8 bytes
        assertThat(HashKey.of("ключ"))
                .isEqualTo("sha256:1de36a32af798da0c1ac9297603a320ed8fe567cf21c9177112a4ce914ebb8be");
    }

    @Property
    void storedFormParsesBackToTheKeysDigest(@ForAll String key) {
        String stored = HashKey.of(key);

        assertThat(stored).matches("sha256:[0-9a-f]{64}");
        assertThat(HashKey.parse(stored)).isEqualTo(HashKey.digest(key));
    }

    @Property
    void storedFormIsAcceptedInUppercaseToo(@ForAll String key) {
        String upper = HashKey.PREFIX
                + HashKey.of(key).substring(HashKey.PREFIX.length()).toUpperCase();

        assertThat(HashKey.parse(upper)).isEqualTo(HashKey.digest(key));
    }

    @Test
    void malformedStoredFormIsRejectedWithoutRepeatingIt() {
        String hex = HashKey.of("k").substring(HashKey.PREFIX.length());
        for (String bad : new String[] {
            hex, "sha1:" + hex, "sha256:" + hex.substring(1), "sha256:" + hex + "0", "sha256:" + hex.substring(1) + "g"
        }) {
            assertThatThrownBy(() -> HashKey.parse(bad))
                    .hasMessage("must be 'sha256:' followed by 64 hex digits (hash a key with "
                            + "io.elasticmesh.identity.HashKey)");
        }
    }

    @Property
    void oneTrailingLineEndFromEchoIsNotPartOfTheKey(
            @ForAll @StringLength(min = 1, max = 64) @CharRange(from = '!', to = '~') String key) {
        assertThat(HashKey.stripLineEnd(key)).isEqualTo(key);
        assertThat(HashKey.stripLineEnd(key + "\n")).isEqualTo(key);
        assertThat(HashKey.stripLineEnd(key + "\r\n")).isEqualTo(key);
    }
}
