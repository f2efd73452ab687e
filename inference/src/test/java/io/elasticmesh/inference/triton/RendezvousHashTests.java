package io.elasticmesh.inference.triton;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.UniqueElements;
import org.junit.jupiter.api.Test;

class RendezvousHashTests {

    @Property
    void theChoiceDependsOnlyOnTheKeyAndTheSetOfNodes(
            @ForAll String key, @ForAll @Size(min = 1, max = 8) @UniqueElements List<String> nodes) {
        List<String> shuffled = new ArrayList<>(nodes);
        Collections.shuffle(shuffled);

        assertThat(RendezvousHash.pick(key, shuffled))
                .isEqualTo(RendezvousHash.pick(key, nodes))
                .isIn(nodes);
    }

    @Property
    void removingANodeMovesOnlyTheKeysThatWereOnIt(
            @ForAll String key,
            @ForAll @Size(min = 2, max = 8) @UniqueElements List<String> nodes,
            @ForAll @IntRange(max = 7) int gone) {
        String removed = nodes.get(gone % nodes.size());
        String before = RendezvousHash.pick(key, nodes);
        List<String> rest = new ArrayList<>(nodes);
        rest.remove(removed);

        String after = RendezvousHash.pick(key, rest);

        if (!before.equals(removed)) {
            assertThat(after).isEqualTo(before);
        }
    }

    @Test
    void keysSpreadEvenlyOverNodes() {
        List<String> nodes = List.of("10.0.0.1:8001", "10.0.0.2:8001", "10.0.0.3:8001", "10.0.0.4:8001");
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            counts.merge(RendezvousHash.pick("request-" + i, nodes), 1, Integer::sum);
        }

        assertThat(counts).hasSize(4);
        assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(4_500, 5_500));
    }
}
