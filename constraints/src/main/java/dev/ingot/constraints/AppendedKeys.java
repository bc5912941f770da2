package dev.ingot.constraints;

import dev.ingot.columnstore.ColumnType;
import dev.ingot.constraints.index.KeyIndex;
import dev.ingot.constraints.index.KeyIndexWriter;
import dev.ingot.memory.internal.Failures;
import dev.ingot.constraints.internal.KeySet;
import dev.ingot.constraints.internal.KeyVectors;
import dev.ingot.constraints.spill.SpillDirectory;
import dev.ingot.constraints.spill.SpilledViolation;
import dev.ingot.constraints.spill.SpillingKeySet;
import dev.ingot.memory.MemoryLimitException;
import dev.ingot.memory.NativeAllocator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongPredicate;
import org.apache.arrow.vector.FieldVector;

/**
 * The keys a unit of work appends to a table under one PRIMARY KEY or UNIQUE constraint, within
 * a bounded amount of memory: in a {@link KeyIndexWriter} (the segment the commit writes) while it
 * fits, and once the writer's allocator refuses memory ({@link MemoryLimitException}), the rows
 * from the one that did not fit on in a {@link SpillingKeySet}: a small in-memory set, then sorted
 * runs on disk merged by {@link #firstDuplicate}. The switch happens once, without restarting the
 * append; the writer then keeps the keys of the rows before it and takes no more.
 *
 * <p>Duplicates: a row whose key an earlier appended row holds is found at once while the keys are
 * in memory (the writer, then the spilling set's in-memory phase, and for rows after the switch
 * the writer's keys too); among spilled keys by {@link #firstDuplicate}, which finds exactly the
 * lowest row repeating a key, the row the writer would have reported.
 *
 * <p>Referencing rows (a FOREIGN KEY of another table appended in the same unit of work): a key
 * found neither in the stored rows nor in {@link #writer()} may still be among the spilled keys:
 * {@link #holds} answers while the spilled keys are in memory; otherwise the child collects such
 * rows in an {@link dev.ingot.constraints.spill.ExternalForeignKey} and merge-joins them against
 * {@link #keysForProbes()}, which freezes the spilled keys for good: the keys referenced are then
 * exactly those appended before the referencing rows, as in memory, and a later append to this
 * constraint's table in the same unit of work is refused ({@link IllegalStateException}).
 *
 * <p>Row ids are the table's (the unit of work's appended rows continue the stored ones). Rows
 * appended and then deleted by the same unit of work are known to the writer only: a unit of
 * work whose keys spilled refuses deletes of its table (the caller enforces that).
 *
 * <p>Thread-safety: not thread-safe; the unit of work's thread. Ownership: {@link #close()} frees
 * the writer (unless it is not owned), the spilling set and its temporary files, and the owned
 * allocator; idempotent.
 */
public final class AppendedKeys implements AutoCloseable {
    /** Share of the spilled keys' in-memory phase, bytes: after it, they go to sorted runs. */
    public static final long SPILLED_SET_BYTES = 1L << 20;

    private final List<ColumnType> types;
    private final KeyIndexWriter writer;
    private final boolean ownsWriter;
    private final NativeAllocator memory;
    private final SpillDirectory dir;
    private final KeyIndex.Finder writerFinder;
    private SpillingKeySet spilled;
    private long spilledFromRowId = -1;
    private boolean frozen;
    private boolean closed;
    private Function<SpilledViolation, RuntimeException> reporter = v -> new IllegalStateException(
            "the spilled appended keys repeat the key " + v.keyValues() + " at row id " + v.rowId());

    /**
     * @param types      the key's column types, in key order
     * @param writer     the writer appended rows go to while it fits (its allocator's limit is the
     *                   share of the appended keys)
     * @param ownsWriter whether {@link #close()} closes the writer
     * @param memory     where the spilled keys' small in-memory set lives ({@value #SPILLED_SET_BYTES}
     *                   bytes at most, a child of it); owned by the caller
     * @param dir        where spilled keys go; null = never spill (a refused allocation fails the append)
     */
    public AppendedKeys(List<ColumnType> types, KeyIndexWriter writer, boolean ownsWriter, NativeAllocator memory, SpillDirectory dir) {
        this.types = List.copyOf(types);
        this.writer = Objects.requireNonNull(writer, "writer");
        this.ownsWriter = ownsWriter;
        this.memory = Objects.requireNonNull(memory, "memory");
        this.dir = dir;
        this.writerFinder = KeyIndex.of(this.types, List.of(), List.of(writer)).newFinder();
    }

    /** The writer: every appended key while nothing spilled, the keys before the switch after it. */
    public KeyIndexWriter writer() {
        return writer;
    }

    /** Whether keys were spilled (the writer then does not hold every appended key). */
    public boolean isSpilled() {
        return spilled != null;
    }

    /** The first table row id whose key went to the spilling set (-1 while nothing spilled). */
    public long spilledFromRowId() {
        return spilledFromRowId;
    }

    /**
     * Adds the keys of rows {@code [offset, offset + length)} (row ids {@code firstRowId, ...};
     * rows with a NULL key column are skipped) and stops at the first row whose key an earlier live
     * appended row holds, as far as that is known now (see the class comment).
     *
     * @param deleted whether a row id is deleted in the unit of work
     * @return that row, relative to {@code offset}, or -1; rows before it were added
     * @throws IllegalStateException if the spilled keys were frozen for referencing rows, or this is closed
     * @throws MemoryLimitException  if nothing may spill (no directory) or the spilled keys' set cannot start
     * @throws java.io.UncheckedIOException naming the spill directory if a run cannot be written
     */
    public int add(FieldVector[] cols, int offset, int length, long firstRowId, LongPredicate deleted) {
        ensureOpen();
        if (spilled == null) {
            try {
                return writer.add(cols, offset, length, firstRowId, deleted);
            } catch (MemoryLimitException e) {
                if (dir == null) {
                    throw e;
                }
                int done = writer.rowsDone();
                startSpill(e, firstRowId + done);
                int dup = addSpilled(cols, offset + done, length - done, firstRowId + done, deleted);
                return dup < 0 ? -1 : done + dup;
            }
        }
        return addSpilled(cols, offset, length, firstRowId, deleted);
    }

    private void startSpill(MemoryLimitException cause, long fromRowId) {
        NativeAllocator own = memory.newChild("appended keys (spilled)", SPILLED_SET_BYTES);
        KeySet set = null;
        try {
            set = KeySet.create(types, own, 0, ConstraintService.DEFAULT_LOAD_FACTOR);
            spilled = new SpillingKeySet(set, types, own, dir);
        } catch (RuntimeException | Error e) {
            e.addSuppressed(cause);
            if (set != null) {
                set.close();
            }
            own.close();
            throw e;
        }
        spilledFromRowId = fromRowId;
    }

    private int addSpilled(FieldVector[] cols, int offset, int length, long firstRowId, LongPredicate deleted) {
        if (frozen) {
            throw new IllegalStateException("the appended keys of this table were spilled to disk and rows appended to another table"
                    + " of the same transaction were checked against them; append to this table in a new transaction");
        }
        if (length == 0) {
            return -1;
        }
        int inWriter = writerFinder.firstPresent(cols, offset, length, deleted);
        int upTo = inWriter >= 0 ? inWriter : length;
        int dup = upTo == 0 ? -1 : spilled.addBatch(cols, offset, upTo, firstRowId);
        return dup >= 0 ? dup : inWriter;
    }

    /**
     * The lowest row below {@code belowRowId} whose key an earlier appended row holds, among the
     * spilled keys (merging their runs), or null when nothing spilled to disk (in-memory
     * duplicates were reported by {@link #add}).
     *
     * @throws java.io.UncheckedIOException naming the spill directory if a file cannot be read
     */
    public SpilledViolation firstDuplicate(long belowRowId) {
        ensureOpen();
        if (spilled == null || !spilled.isExternal()) {
            return null;
        }
        return spilled.firstDuplicate(belowRowId, false);
    }

    /**
     * Whether the key of row {@code row} of {@code cols} (in key order) is among the spilled keys;
     * only while they are in memory.
     *
     * @throws IllegalStateException if nothing spilled or the spilled keys are on disk
     */
    public boolean holds(FieldVector[] cols, int row) {
        ensureOpen();
        if (spilled == null || spilled.isExternal()) {
            throw new IllegalStateException("the appended keys are " + (spilled == null ? "not spilled" : "on disk: merge-join against them"));
        }
        return spilled.firstMissing(cols, row, 1) < 0;
    }

    /** Whether the spilled keys are in sorted runs on disk (referencing rows are then merge-joined). */
    public boolean spilledToDisk() {
        return spilled != null && spilled.isExternal();
    }

    /**
     * Sets how a duplicate among the spilled keys is reported when {@link #keysForProbes} finds one
     * (the checker of this table's append names its table, constraint and row).
     */
    public void reportDuplicatesWith(Function<SpilledViolation, RuntimeException> reporter) {
        this.reporter = Objects.requireNonNull(reporter, "reporter");
    }

    /**
     * The spilled keys as referencing rows merge-join against them, frozen from now on (no more
     * keys may be added), after making sure they hold no duplicate.
     *
     * @throws RuntimeException from the {@link #reportDuplicatesWith reporter} (a
     *         {@link ConstraintViolationException} of this table) if a spilled key repeats
     * @throws IllegalStateException if nothing spilled to disk
     */
    public SpillingKeySet keysForProbes() {
        ensureOpen();
        if (!spilledToDisk()) {
            throw new IllegalStateException("the appended keys are not spilled to disk");
        }
        if (!frozen) {
            SpilledViolation v = firstDuplicate(Long.MAX_VALUE);
            if (v != null) {
                throw reporter.apply(v);
            }
            spilled.freeze(true);
            frozen = true;
        }
        return spilled;
    }

    /** Bytes written to temporary files for these keys so far. */
    public long spilledBytes() {
        return spilled == null ? 0 : spilled.spilledBytes();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("appended keys are closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        if (spilled != null) {
            try {
                spilled.close();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (ownsWriter) {
            try {
                writer.close();
            } catch (RuntimeException e) {
                failure = Failures.chain(failure, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "AppendedKeys[" + writer + (spilled == null ? "" : ", spilled from row " + spilledFromRowId + ": " + spilled) + "]";
    }
}
