package io.elasticmesh.inference.triton;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class StopScannerTests {

    private static final List<String> DELIMITERS = List.of("<think>", "</think>");

    @Test
    void holdsBackADelimiterSplitAcrossDeltasAndNeverReleasesIt() {
        StopScanner scanner = new StopScanner(DELIMITERS);

        assertThat(scanner.accept("step one </th")).isEqualTo("step one ");
        assertThat(scanner.accept("ink>answer")).isEmpty();
        assertThat(scanner.matched()).contains("</think>");
        assertThat(scanner.accept("more")).isEmpty();
    }

    @Test
    void releasesHeldTextOnceItCannotBeADelimiter() {
        StopScanner scanner = new StopScanner(DELIMITERS);

        assertThat(scanner.accept("a <")).isEqualTo("a ");
        assertThat(scanner.accept(" b")).isEqualTo("< b");
        assertThat(scanner.matched()).isEmpty();
    }

    @Test
    void keepsAPartialDelimiterAtTheEndAsHeldBack() {
        StopScanner scanner = new StopScanner(DELIMITERS);

        assertThat(scanner.accept("think3 </thi")).isEqualTo("think3 ");
        assertThat(scanner.heldBack()).isEqualTo("</thi");
    }

    /** Whatever the split, the released text is the text before the first delimiter, and nothing else. */
    @Property
    void releasedTextIsExactlyTheTextBeforeTheFirstDelimiter(@ForAll("pieces") List<String> deltas) {
        String whole = String.join("", deltas);
        StopScanner scanner = new StopScanner(DELIMITERS);
        StringBuilder released = new StringBuilder();
        deltas.forEach(delta -> released.append(scanner.accept(delta)));

        int open = whole.indexOf("<think>");
        int close = whole.indexOf("</think>");
        int first = open < 0 ? close : close < 0 ? open : Math.min(open, close);
        if (first >= 0) {
            assertThat(released.toString()).isEqualTo(whole.substring(0, first));
            assertThat(scanner.matched()).contains(first == open ? "<think>" : "</think>");
            assertThat(scanner.heldBack()).isEmpty();
        } else {
            assertThat(released + scanner.heldBack()).isEqualTo(whole);
            assertThat(scanner.matched()).isEmpty();
            assertThat(DELIMITERS).anyMatch(d -> d.startsWith(scanner.heldBack()));
        }
        assertThat(released.toString()).doesNotContain("<think>").doesNotContain("</think>");
    }

    /** Fragments whose boundaries fall anywhere in, before or after a delimiter. */
    @Provide
    Arbitrary<List<String>> pieces() {
        return Arbitraries.of("a", " ", "<", "/", "t", "hi", "nk", ">", "</", "think", "<think>", "</think>", "x<th",
                "</thi", "nk>").list().ofMaxSize(12);
    }
}
