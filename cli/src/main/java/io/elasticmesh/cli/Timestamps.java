package io.elasticmesh.cli;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Protobuf timestamps for people and back. */
final class Timestamps {

    private Timestamps() {}

    /** ISO-8601 to the millisecond. */
    static String show(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos())
                .truncatedTo(ChronoUnit.MILLIS)
                .toString();
    }

    static Timestamp of(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }
}
