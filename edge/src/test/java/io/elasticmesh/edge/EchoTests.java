package io.elasticmesh.edge;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;

class EchoTests {

    @Property
    void anEchoIsShortAndStartsWithWhatWasSent(@ForAll @StringLength(max = 10_000) String sent) {
        String echo = Echo.bounded(sent);

        if (sent.length() <= Echo.MAX_CHARS) {
            assertThat(echo).isEqualTo(sent);
        } else {
            assertThat(echo)
                    .hasSizeLessThanOrEqualTo(Echo.MAX_CHARS + 24)
                    .startsWith(sent.substring(0, Echo.MAX_CHARS - 1))
                    .endsWith("… (" + sent.length() + " characters)");
            assertThat(Character.isHighSurrogate(echo.charAt(echo.indexOf('…') - 1)))
                    .isFalse();
        }
    }

    @Property
    void aFieldLimitNamesTheFieldAndTheLengthButNeverTheValue(@ForAll @StringLength(min = 9, max = 500) String sent) {
        try {
            InvalidArgument.requireMaxLength("tier", sent, 8);
        } catch (InvalidArgument refused) {
            assertThat(refused.getMessage()).isEqualTo("tier must be at most 8 characters, was " + sent.length());
            return;
        }
        throw new AssertionError("not refused");
    }
}
