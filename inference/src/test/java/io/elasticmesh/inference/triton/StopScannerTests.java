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
        return Arbitraries.of(
                        "a",
                        " ",
                        "<",
                        "/",
                        "t",
                        "hi",
                        "nk",
                        ">",
                        "</",
                        "think",
                        "<think>",
                        "</think>",
                        "x<th",
                        "</thi",
                        "nk>")
                .list()
                .ofMaxSize(12);
    }

    private static final List<String> END = List.of("</think>");
    private static final List<String> OPEN = List.of("<think>");

    @Test
    void aThinkingDelimiterReopenedInsideThinkingIsDroppedEvenWhenSplit() {
        StopScanner scanner = new StopScanner(END, OPEN);

        // SmolLM2, asked to think, writes "<think" and ">" as two tokens.
        assertThat(scanner.accept("<think")).isEmpty();
        assertThat(scanner.accept(">")).isEmpty();
        assertThat(scanner.accept("red, ")).isEqualTo("red, ");
        assertThat(scanner.accept("green</think>blue")).isEqualTo("green");
        assertThat(scanner.matched()).contains("</think>");
    }

    @Test
    void textJoinedAcrossADroppedDelimiterIsScannedAgain() {
        StopScanner scanner = new StopScanner(END, OPEN);

        assertThat(scanner.accept("a</<think>think>b")).isEqualTo("a");
        assertThat(scanner.matched()).contains("</think>");
    }

    /**
     * Whatever the split, the deltas join into the text with every dropped delimiter removed, cut at the first stop;
     * at every step what was released is a prefix of that, so no delta ever holds a piece of a delimiter.
     */
    @Property
    void droppedDelimitersNeverReachTheReleasedTextWhateverTheFragmentation(@ForAll("pieces") List<String> deltas) {
        String expected = oneShot(String.join("", deltas));
        StopScanner scanner = new StopScanner(END, OPEN);
        StringBuilder released = new StringBuilder();
        for (String delta : deltas) {
            released.append(scanner.accept(delta));
            assertThat(expected).startsWith(released.toString());
        }
        String all = released + (scanner.matched().isPresent() ? "" : scanner.heldBack());

        assertThat(all).isEqualTo(expected);
        assertThat(released.toString()).doesNotContain("<think>").doesNotContain("</think>");
    }

    /** The rule, on the whole text at once: remove "<think>" (again and again), cut at the first "</think>". */
    private static String oneShot(String text) {
        String removed = text;
        while (true) {
            int open = removed.indexOf("<think>");
            int close = removed.indexOf("</think>");
            if (close >= 0 && (open < 0 || close < open)) {
                return removed.substring(0, close);
            }
            if (open < 0) {
                return removed;
            }
            removed = removed.substring(0, open) + removed.substring(open + "<think>".length());
        }
    }
}
