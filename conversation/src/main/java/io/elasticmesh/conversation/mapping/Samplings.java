package io.elasticmesh.conversation.mapping;

import io.elasticmesh.conversation.Sampling;
import io.elasticmesh.edge.InvalidArgument;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/** Sampling settings, domain ↔ proto ({@code elastic.reasoning.v1.Sampling}), the same in every service. */
public final class Samplings {

    private Samplings() {}

    /**
     * @throws InvalidArgument naming the field of a malformed value (see {@link Sampling})
     */
    public static Sampling fromProto(io.elasticmesh.proto.reasoning.v1.Sampling sampling) {
        return new Sampling(
                sampling.hasTemperature()
                        ? OptionalDouble.of(decimal(sampling.getTemperature()))
                        : OptionalDouble.empty(),
                sampling.hasTopP() ? OptionalDouble.of(decimal(sampling.getTopP())) : OptionalDouble.empty(),
                sampling.hasSeed()
                        ? OptionalLong.of(Integer.toUnsignedLong(sampling.getSeed()))
                        : OptionalLong.empty());
    }

    /**
     * The decimal a float stands for (0.7f is 0.699999988… widened, 0.7 here): what the client wrote, compared with
     * the tier's bounds and passed on as such; back on the wire it is the same float.
     */
    private static double decimal(float value) {
        return Double.parseDouble(Float.toString(value)) + 0.0; // -0 is 0
    }

    public static io.elasticmesh.proto.reasoning.v1.Sampling toProto(Sampling sampling) {
        var proto = io.elasticmesh.proto.reasoning.v1.Sampling.newBuilder();
        sampling.temperature().ifPresent(t -> proto.setTemperature((float) t));
        sampling.topP().ifPresent(p -> proto.setTopP((float) p));
        sampling.seed().ifPresent(s -> proto.setSeed((int) s));
        return proto.build();
    }
}
