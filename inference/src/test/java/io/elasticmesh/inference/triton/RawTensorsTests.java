package io.elasticmesh.inference.triton;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.UniqueElements;
import org.junit.jupiter.api.Test;

class RawTensorsTests {

    @Property
    void stringsSurviveAnEncodeDecodeRoundTrip(@ForAll List<String> elements) {
        assertThat(RawTensors.decodeStrings(RawTensors.encodeStrings(elements))).isEqualTo(elements);
    }

    @Property
    void encodedSizeIsFourBytesPerElementPlusItsUtf8Bytes(@ForAll @UniqueElements List<String> elements) {
        int utf8 = elements.stream()
                .mapToInt(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                .sum();
        assertThat(RawTensors.encodeStrings(elements).size()).isEqualTo(4 * elements.size() + utf8);
    }

    @Test
    void lengthPrefixIsLittleEndian() {
        assertThat(RawTensors.encodeString("hé").toByteArray())
                .containsExactly(3, 0, 0, 0, 'h', (byte) 0xC3, (byte) 0xA9);
    }

    @Test
    void truncatedElementIsRejected() {
        ByteString raw = ByteString.copyFrom(new byte[] {9, 0, 0, 0, 'a'});
        assertThatThrownBy(() -> RawTensors.decodeStrings(raw)).hasMessageContaining("9 bytes");
    }

    @Test
    void uint32IsReadLittleEndianAndUnsigned() {
        ByteString raw =
                ByteString.copyFrom(new byte[] {7, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        assertThat(RawTensors.decodeUint32(raw)).containsExactly(7L, 4294967295L);
    }

    @Test
    void boolIsOneByte() {
        assertThat(RawTensors.encodeBool(true).toByteArray()).containsExactly(1);
        assertThat(RawTensors.encodeBool(false).toByteArray()).containsExactly(0);
    }
}
