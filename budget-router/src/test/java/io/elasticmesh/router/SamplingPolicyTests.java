package io.elasticmesh.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.elasticmesh.conversation.Sampling;
import io.elasticmesh.conversation.mapping.Samplings;
import io.elasticmesh.edge.DomainException;
import io.elasticmesh.edge.InvalidArgument;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

/**
 * The policy through the path a request takes: proto floats → {@link Samplings#fromProto} (malformed values,
 * INVALID_ARGUMENT) → {@link SamplingPolicy#apply} (the tier's bounds, OUT_OF_RANGE).
 */
class SamplingPolicyTests {

    private static final String[] FIELDS = {Sampling.TEMPERATURE, Sampling.TOP_P, Sampling.SEED};

    @Provide
    static Arbitrary<SamplingBounds> bounds() {
        return Combinators.combine(ranges(2.0, 0.0), ranges(1.0, 0.01), Arbitraries.of(true, false))
                .as(SamplingBounds::new);
    }

    /** Ranges within 0..limit: pinned, or min..max with or without a default; {@code floor}: least max and default. */
    private static Arbitrary<SamplingBounds.Range> ranges(double limit, double floor) {
        Arbitrary<Double> values = Arbitraries.doubles().between(floor, limit).ofScale(2);
        Arbitrary<SamplingBounds.Range> pinned = values.map(SamplingBounds.Range::pinned);
        Arbitrary<SamplingBounds.Range> ranged = Combinators.combine(
                        values, values, Arbitraries.doubles().between(0, 1), Arbitraries.of(true, false))
                .as((a, b, at, withDefault) -> {
                    double min = Math.min(a, b);
                    double max = Math.max(a, b);
                    double byDefault = Math.max(floor, Math.round((min + at * (max - min)) * 100) / 100.0);
                    return new SamplingBounds.Range(
                            min,
                            max,
                            withDefault && byDefault >= min && byDefault <= max
                                    ? OptionalDouble.of(byDefault)
                                    : OptionalDouble.empty());
                });
        return Arbitraries.oneOf(
                pinned, ranged, Arbitraries.just(new SamplingBounds.Range(0, limit, OptionalDouble.empty())));
    }

    /** Floats a client may send: in and out of any range, and the malformed ones; null for absent. */
    @Provide
    static Arbitrary<Float> floats() {
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(
                                6, Arbitraries.floats().between(-1f, 3f).ofScale(2)),
                        net.jqwik.api.Tuple.of(
                                2,
                                Arbitraries.of(
                                        Float.NaN,
                                        Float.POSITIVE_INFINITY,
                                        Float.NEGATIVE_INFINITY,
                                        0f,
                                        -0f,
                                        1f,
                                        2f,
                                        0.95f,
                                        0.6f,
                                        Float.MIN_VALUE)))
                .injectNull(0.3);
    }

    @Provide
    static Arbitrary<Long> seeds() {
        return Arbitraries.longs().between(0, 0xFFFF_FFFFL).injectNull(0.4);
    }

    @Property(tries = 2000)
    void appliedValuesAreWithinTheTiersBoundsAndARefusalNamesTheFirstBadFieldAndItsValue(
            @ForAll("bounds") SamplingBounds bounds,
            @ForAll("floats") Float temperature,
            @ForAll("floats") Float topP,
            @ForAll("seeds") Long seed) {
        Tier tier = tier(bounds);
        var sent = io.elasticmesh.proto.reasoning.v1.Sampling.newBuilder();
        if (temperature != null) sent.setTemperature(temperature);
        if (topP != null) sent.setTopP(topP);
        if (seed != null) sent.setSeed((int) (long) seed);
        String[] asSent = {
            // -0 is sent back as 0: the same number.
            temperature == null ? null : Float.toString(temperature + 0f),
            topP == null ? null : Float.toString(topP + 0f),
            seed == null ? null : Long.toString(seed)
        };
        boolean[] malformed = {
            temperature != null && !(Float.isFinite(temperature) && temperature >= 0),
            topP != null && !(Float.isFinite(topP) && topP > 0 && topP <= 1),
            false
        };
        boolean[] outside = {
            temperature != null && !within(bounds.temperature(), temperature),
            topP != null && !within(bounds.topP(), topP),
            seed != null && !bounds.seedAllowed()
        };
        List<String> expectedRefusals = new ArrayList<>();
        for (boolean[] verdicts : new boolean[][] {malformed, outside}) {
            for (int i = 0; i < FIELDS.length && expectedRefusals.isEmpty(); i++) {
                if (verdicts[i]) {
                    expectedRefusals.add(FIELDS[i]);
                    expectedRefusals.add(verdicts == malformed ? "INVALID_ARGUMENT" : "OUT_OF_RANGE");
                    expectedRefusals.add(asSent[i]);
                }
            }
        }

        Sampling applied;
        try {
            applied = SamplingPolicy.apply(tier, Samplings.fromProto(sent.build()));
        } catch (DomainException refused) {
            assertThat(expectedRefusals)
                    .as("refused though nothing was wrong: " + refused.getMessage())
                    .isNotEmpty();
            assertThat(refused.getMessage()).startsWith(expectedRefusals.get(0)).contains(expectedRefusals.get(2));
            assertThat(refused.code().name()).isEqualTo(expectedRefusals.get(1));
            assertThat(refused.details()).hasSize(1);
            assertThat(refused.details().get(0).toString()).contains("field: \"" + expectedRefusals.get(0) + "\"");
            return;
        }
        assertThat(expectedRefusals).as("accepted").isEmpty();
        check(applied.temperature(), temperature, bounds.temperature());
        check(applied.topP(), topP, bounds.topP());
        assertThat(applied.seed().isPresent() ? applied.seed().getAsLong() : null)
                .isEqualTo(seed);
        // What the phases get is what the client sent, float for float.
        var wire = Samplings.toProto(applied);
        if (temperature != null) assertThat(wire.getTemperature()).isEqualTo(temperature + 0f);
        if (topP != null) assertThat(wire.getTopP()).isEqualTo(topP + 0f);
    }

    /** Sent → kept; absent → the default (the pin, when pinned); applied is always within the bounds. */
    private static void check(OptionalDouble applied, Float sent, SamplingBounds.Range range) {
        if (sent == null) {
            assertThat(applied).isEqualTo(range.byDefault());
        } else {
            assertThat(applied).hasValue(Double.parseDouble(Float.toString(sent)) + 0.0);
        }
        applied.ifPresent(v -> assertThat(v).isBetween(range.min(), range.max()));
        if (range.isPinned()) {
            assertThat(applied).hasValue(range.min());
        }
    }

    private static boolean within(SamplingBounds.Range range, float value) {
        double decimal = Double.parseDouble(Float.toString(value));
        return decimal >= range.min() && decimal <= range.max();
    }

    @Property
    void aPinnedValueIsAppliedWhenAbsentAndAnyOtherIsRefused(
            @ForAll("floats") Float other, @ForAll @LongRange(min = 0, max = 100) long pinHundredths) {
        double pin = pinHundredths / 100.0;
        Tier tier = tier(new SamplingBounds(SamplingBounds.Range.pinned(pin), SamplingBounds.OPEN.topP(), true));
        assertThat(SamplingPolicy.apply(tier, Sampling.NONE).temperature()).hasValue(pin);
        if (other == null || !Float.isFinite(other) || other < 0 || Double.parseDouble(Float.toString(other)) == pin) {
            return;
        }
        assertThatThrownBy(() -> SamplingPolicy.apply(
                        tier,
                        Samplings.fromProto(io.elasticmesh.proto.reasoning.v1.Sampling.newBuilder()
                                .setTemperature(other)
                                .build())))
                .isInstanceOf(SamplingOutOfBounds.class)
                .hasMessageContaining("sampling.temperature is pinned to " + pin)
                .hasMessageContaining("was " + (other + 0f));
    }

    @Property
    void aSeedOnATierThatRefusesSeedsIsOutOfRangeNamingTheSeed(
            @ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long seed) {
        Tier tier = tier(new SamplingBounds(SamplingBounds.OPEN.temperature(), SamplingBounds.OPEN.topP(), false));
        var sent = io.elasticmesh.proto.reasoning.v1.Sampling.newBuilder()
                .setSeed((int) seed)
                .build();

        assertThatThrownBy(() -> SamplingPolicy.apply(tier, Samplings.fromProto(sent)))
                .isInstanceOfSatisfying(SamplingOutOfBounds.class, e -> {
                    assertThat(e.code()).isEqualTo(Status.Code.OUT_OF_RANGE);
                    assertThat(e.field()).isEqualTo("sampling.seed");
                })
                .hasMessage("sampling.seed is not allowed on tier 't', was " + seed + "; leave it out");
        assertThat(SamplingPolicy.apply(tier, Sampling.NONE).seed()).isEmpty();
    }

    @Property
    void malformedValuesAreInvalidArgumentsWhateverTheTier(@ForAll("bounds") SamplingBounds bounds) {
        for (float bad : new float[] {Float.NaN, -0.5f, Float.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> SamplingPolicy.apply(
                            tier(bounds),
                            Samplings.fromProto(io.elasticmesh.proto.reasoning.v1.Sampling.newBuilder()
                                    .setTopP(bad)
                                    .build())))
                    .isInstanceOfSatisfying(
                            InvalidArgument.class, e -> assertThat(e.field()).isEqualTo("sampling.top_p"))
                    .hasMessage("sampling.top_p must be above 0 and at most 1, was " + bad);
        }
        assertThatThrownBy(() -> Samplings.fromProto(io.elasticmesh.proto.reasoning.v1.Sampling.newBuilder()
                        .setTopP(0f)
                        .build()))
                .hasMessage("sampling.top_p must be above 0 and at most 1, was 0.0");
    }

    private static Tier tier(SamplingBounds bounds) {
        return new Tier(
                "t",
                "m",
                8,
                8,
                8,
                1000,
                0,
                1,
                0,
                false,
                AuditMode.CUT_ONLY,
                ReviewRule.NONE,
                bounds,
                Tier.defaultEfforts(8, 8),
                QuotaStoreOutage.FAIL_OPEN,
                ShadowRule.NONE,
                Optional.empty());
    }
}
