package dev.ingot.ingest.cli;

import dev.ingot.columnstore.TableDef;
import dev.ingot.ingest.LoadReport;
import dev.ingot.ingest.TableLoadReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT and SIGTERM during a load. While installed, the first signal does not end the JVM: it
 * is recorded, the load stops at the next batch of each loading table ({@link #stopIfSignalled}
 * throws there, so every table in progress rolls back while committed tables stay), and the
 * command prints one line ({@link #describe}) and exits with 128 + the signal number (130 for
 * SIGINT, 143 for SIGTERM), as a shell reports a process ended by that signal. A second signal
 * halts the JVM at once with the same status; the store is then still in its last committed
 * state (each commit is atomic), as after a SIGKILL.
 *
 * <p>Uses {@code sun.misc.Signal} (module {@code jdk.unsupported}), the JDK's only way to handle
 * a signal without ending the process. Where a signal cannot be handled (the JVM runs with
 * {@code -Xrs}), the JVM's default applies.
 *
 * <p>Thread-safety: the signal is set by the JVM's signal thread and read by loading threads
 * (volatile). Ownership: close it to restore the previous handlers.
 */
final class LoadInterrupts implements AutoCloseable {
    private static final String[] SIGNALS = {"INT", "TERM"};

    private final Map<Signal, SignalHandler> previous = new HashMap<>();
    private volatile Signal signal;

    private LoadInterrupts() {}

    /** Installs the handlers of SIGINT and SIGTERM. */
    static LoadInterrupts install() {
        LoadInterrupts interrupts = new LoadInterrupts();
        for (String name : SIGNALS) {
            Signal s = new Signal(name);
            try {
                interrupts.previous.put(s, Signal.handle(s, interrupts::received));
            } catch (IllegalArgumentException inUseByTheJvm) {
                // -Xrs or a platform without this signal: the JVM's default handling stays
            }
        }
        return interrupts;
    }

    private void received(Signal s) {
        if (signal != null) {
            Runtime.getRuntime().halt(128 + s.getNumber());
        }
        signal = s;
    }

    /** The signal received, or null. */
    Signal signal() {
        return signal;
    }

    /** The exit status for the signal received: 128 + its number. */
    int exitCode() {
        return 128 + signal.getNumber();
    }

    /**
     * Throws once a signal was received, so that the table loading on this thread rolls back.
     *
     * @throws LoadInterruptedException if a signal was received
     */
    void stopIfSignalled() {
        Signal s = signal;
        if (s != null) {
            throw new LoadInterruptedException("load interrupted by SIG" + s.getName());
        }
    }

    /**
     * The one line printed after an interrupted load, e.g. {@code interrupted by SIGINT: committed
     * nation, region; rolled back supplier, part; not loaded partsupp, ...; store DIR keeps the
     * committed tables}.
     *
     * @param started    tables whose load started
     * @param replacing  whether the load was building a replacement beside an old store
     * @param kept       whether the new store was put in place
     */
    String describe(List<TableDef> tables, LoadReport report, List<String> started, Path dir, boolean replacing,
                    boolean kept) {
        Set<String> committed = report.tables().stream().map(TableLoadReport::table).collect(Collectors.toSet());
        List<String> done = new ArrayList<>();
        List<String> rolledBack = new ArrayList<>();
        List<String> notLoaded = new ArrayList<>();
        for (TableDef t : tables) {
            String name = t.name();
            (committed.contains(name) ? done : started.contains(name) ? rolledBack : notLoaded).add(name);
        }
        StringBuilder line = new StringBuilder("interrupted by SIG").append(signal.getName()).append(": ");
        if (replacing) {
            line.append("the replacing load was rolled back");
            if (!done.isEmpty()) {
                line.append(" (it had committed ").append(String.join(", ", done)).append(")");
            }
            return line.append("; store ").append(dir).append(" is unchanged").toString();
        }
        line.append("committed ").append(done.isEmpty() ? "no table" : String.join(", ", done));
        if (!rolledBack.isEmpty()) {
            line.append("; rolled back ").append(String.join(", ", rolledBack));
        }
        if (!notLoaded.isEmpty()) {
            line.append("; not loaded ").append(String.join(", ", notLoaded));
        }
        if (!kept) {
            return line.append("; no store was created at ").append(dir).toString();
        }
        return line.append("; store ").append(dir).append(" holds the committed tables").toString();
    }

    /** Restores the handlers that were installed before. */
    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }

    /** Thrown into a loading table after a signal; the table rolls back. */
    static final class LoadInterruptedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LoadInterruptedException(String message) {
            super(message);
        }
    }
}
