package io.elasticmesh.pilot;

import java.util.Arrays;

/** The statistics of the report. */
public final class Stats {

    /** The normal quantile of a two-sided 95% interval. */
    static final double Z95 = 1.959963984540054;

    private Stats() {}

    /** A proportion's interval, [low, high] in 0..1. */
    public record Interval(double low, double high) {
        public boolean overlaps(Interval other) {
            return low <= other.high && other.low <= high;
        }
    }

    /**
     * The 95% Wilson score interval of {@code successes} in {@code n}: unlike the normal approximation it stays in
     * 0..1 and keeps its coverage at small n and at 0 or n successes (AIME has 30 problems). n = 0 gives [0, 1].
     */
    public static Interval wilson(long successes, long n) {
        if (n == 0) {
            return new Interval(0, 1);
        }
        double p = (double) successes / n;
        double z2 = Z95 * Z95;
        double centre = p + z2 / (2.0 * n);
        double spread = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        double scale = 1 + z2 / n;
        return new Interval(Math.max(0, (centre - spread) / scale), Math.min(1, (centre + spread) / scale));
    }

    /** The nearest-rank percentile (the smallest value with at least q of the values at or below it); 0 if none. */
    public static long percentile(long[] values, double q) {
        if (values.length == 0) {
            return 0;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    public static double mean(long[] values) {
        return values.length == 0 ? 0 : (double) Arrays.stream(values).sum() / values.length;
    }

    /** {@code part / whole}, 0 when whole is 0. */
    public static double share(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }
}
