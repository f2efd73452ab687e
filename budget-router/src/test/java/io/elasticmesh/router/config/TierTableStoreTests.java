package io.elasticmesh.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elasticmesh.router.TierTable;
import io.elasticmesh.router.metrics.RouterMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TierTableStoreTests {

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RouterMetrics metrics = new RouterMetrics(registry);

    private static String tiers(long deadlineMs) {
        return """
                tiers:
                  gold:
                    model: m
                    thinking-budget-tokens: 64
                    solution-budget-tokens: 32
                    deadline-ms: %d
                """.formatted(deadlineMs);
    }

    private Path file() {
        return dir.resolve("tiers.yaml");
    }

    /** Replaces the file the way Kubernetes updates a mounted ConfigMap: the new content appears at once. */
    private void write(String content) throws IOException {
        Path next = dir.resolve("tiers.yaml.next");
        Files.writeString(next, content);
        Files.move(next, file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private TierTableStore store() {
        return new TierTableStore(new TestConfig(file()), metrics);
    }

    private double failures() {
        return registry.get("elastic.config.reload.failures").counter().count();
    }

    @Test
    void aValidEditTakesEffect() throws IOException {
        write(tiers(1000));
        TierTableStore store = store();
        String first = store.current().version();

        write(tiers(2000));
        TierTable reloaded = store.reloadIfChanged();

        assertThat(reloaded.require("gold").deadlineMs()).isEqualTo(2000);
        assertThat(store.current()).isSameAs(reloaded);
        assertThat(store.status().version()).isEqualTo(reloaded.version()).isNotEqualTo(first);
        assertThat(store.status().lastError()).isEmpty();
    }

    @Test
    void anInvalidEditIsRefusedCountedOnceAndTheLastGoodVersionStays() throws IOException {
        write(tiers(1000));
        TierTableStore store = store();
        TierTable good = store.current();

        write(tiers(0));
        store.reloadIfChanged();
        store.reloadIfChanged();

        assertThat(store.current()).isSameAs(good);
        assertThat(store.status().version()).isEqualTo(good.version());
        assertThat(store.status().lastError())
                .contains(file() + ": tier 'gold': deadline-ms must be at least 1, was 0");
        assertThat(store.status().lastErrorAt()).isPresent();
        assertThat(failures()).as("the same bad content is reported once").isEqualTo(1);

        write(tiers(3000));
        store.reloadIfChanged();

        assertThat(store.current().require("gold").deadlineMs()).isEqualTo(3000);
        assertThat(store.status().lastError()).isEmpty();
    }

    @Test
    void aVanishedFileKeepsTheLastGoodVersion() throws IOException {
        write(tiers(1000));
        TierTableStore store = store();
        Files.delete(file());

        store.reloadIfChanged();
        store.reloadIfChanged();

        assertThat(store.current().require("gold").deadlineMs()).isEqualTo(1000);
        assertThat(store.status().lastError())
                .hasValueSatisfying(e -> assertThat(e).contains("cannot read"));
        assertThat(failures()).isEqualTo(1);
    }

    @Test
    void anInvalidFileAtStartUpStopsTheRouterNamingTheField() throws IOException {
        write(tiers(1000).replace("model: m", "modle: m"));

        assertThatThrownBy(this::store).hasMessageContaining(file() + ": tier 'gold': unknown field(s) [modle]");
    }

    @Test
    void underLoadReadersOnlyEverSeeWholeValidVersions() throws Exception {
        write(tiers(1));
        TierTableStore store = store();
        ConcurrentHashMap<String, Long> seen = new ConcurrentHashMap<>();
        AtomicBoolean editing = new AtomicBoolean(true);
        AtomicBoolean halfApplied = new AtomicBoolean();
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread reader = new Thread(() -> {
                while (editing.get()) {
                    TierTable table = store.current();
                    long deadline = table.require("gold").deadlineMs();
                    Long before = seen.putIfAbsent(table.version(), deadline);
                    // One version, one content: a reader never sees a half-applied table.
                    if (before != null && before != deadline) {
                        halfApplied.set(true);
                    }
                }
            });
            reader.start();
            readers.add(reader);
        }
        for (int edit = 2; edit <= 200; edit++) {
            write(edit % 3 == 0 ? tiers(-edit) : tiers(edit)); // every third edit is invalid
            store.reloadIfChanged();
        }
        editing.set(false);
        for (Thread reader : readers) {
            reader.join(Duration.ofSeconds(10).toMillis());
        }

        assertThat(store.current().require("gold").deadlineMs()).isEqualTo(200);
        assertThat(halfApplied).isFalse();
        assertThat(seen.values()).allMatch(deadline -> deadline > 0);
        assertThat(failures()).isEqualTo(66);
    }

    private record TestConfig(Path tiersFile) implements RouterConfig {
        @Override
        public Optional<Path> principalsFile() {
            return Optional.empty();
        }

        @Override
        public Duration tiersReloadInterval() {
            return Duration.ofSeconds(5);
        }

        @Override
        public String defaultTenant() {
            return "anonymous";
        }

        @Override
        public Split split() {
            throw new UnsupportedOperationException("not used by the store");
        }

        @Override
        public Continuation continuation() {
            throw new UnsupportedOperationException("not used by the store");
        }

        @Override
        public Audit audit() {
            throw new UnsupportedOperationException("not used by the store");
        }

        @Override
        public Shared shared() {
            throw new UnsupportedOperationException("not used by the store");
        }

        @Override
        public Shadow shadow() {
            throw new UnsupportedOperationException("not used by the store");
        }
    }
}
