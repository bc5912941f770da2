package dev.ingot.ingest;

import java.util.EnumMap;
import java.util.Map;

/**
 * Nanoseconds spent per {@link LoadStage} by one table load. Not thread-safe: owned by the
 * thread that loads the table; read it after the load.
 */
public final class StageTimes {
    private final long[] nanos = new long[LoadStage.values().length];

    /** Adds {@code elapsedNanos} to {@code stage}. */
    public void add(LoadStage stage, long elapsedNanos) {
        nanos[stage.ordinal()] += elapsedNanos;
    }

    /** Nanoseconds spent in {@code stage}. */
    public long nanos(LoadStage stage) {
        return nanos[stage.ordinal()];
    }

    /** Seconds spent in {@code stage}. */
    public double seconds(LoadStage stage) {
        return nanos[stage.ordinal()] / 1e9;
    }

    /** All stages, in seconds, in stage order. */
    public Map<LoadStage, Double> asSeconds() {
        Map<LoadStage, Double> m = new EnumMap<>(LoadStage.class);
        for (LoadStage s : LoadStage.values()) {
            m.put(s, seconds(s));
        }
        return m;
    }

    /** {@code source 1.20s, constraints 0.30s, ...}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (LoadStage s : LoadStage.values()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(String.format("%s %.2fs", s.label(), seconds(s)));
        }
        return sb.toString();
    }
}
