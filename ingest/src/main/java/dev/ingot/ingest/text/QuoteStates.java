package dev.ingot.ingest.text;

import dev.ingot.ingest.internal.OrderedParts;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The quote automaton of a dialect, run over byte ranges independently of where they start, and
 * the prefix chain that turns each range's result into the exact state at every range start.
 *
 * <p>States: {@link #OUT} (outside quotes), {@link #IN} (inside a quoted field), {@link #ESC}
 * (inside, right after an escape byte that differs from the quote). Transitions: OUT -quote-&gt;
 * IN; IN -quote-&gt; OUT (a doubled quote goes OUT and back IN); IN -escape-&gt; ESC; ESC -any-&gt;
 * IN; everything else keeps the state. Line ends end records only in OUT. The record tokenizer
 * ({@link RecordParser}) follows the same automaton on every input it accepts and rejects the
 * rest (a quote inside an unquoted field, a byte after a closing quote), so where all ranges
 * before range k parse without error, the automaton's state at range k's start is exactly the
 * tokenizer's.
 *
 * <p>A range's <em>transition map</em> gives, for each of the three states the range might start
 * in, the state it ends in; it is packed as 2 bits per start state. With escape = quote only
 * OUT and IN occur and the map is the parity of the quote bytes in the range (one comparison per
 * byte); otherwise the three start states are stepped side by side. This is the speculative
 * approach of Ge et al., "Speculative Distributed CSV Data Parsing for Big Data Analytics"
 * (SIGMOD 2019) and of ParPaRaw (Stehle and Jacobsen, VLDB 2020), without speculation: every
 * start state is tracked, so nothing is ever re-parsed.
 *
 * <p>Thread-safety: the static methods are pure; a {@link Chain} is shared by the workers of
 * one file and is thread-safe.
 */
final class QuoteStates {
    static final int OUT = 0;
    static final int IN = 1;
    static final int ESC = 2;
    /** The map that leaves every state as it is. */
    static final int IDENTITY = OUT | (IN << 2) | (ESC << 4);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private QuoteStates() {
    }

    /** The state map {@code start} does, followed by the bytes {@code buf[from .. to)}. */
    static int advance(int map, byte[] buf, int from, int to, byte quote, byte escape) {
        if (quote == escape) {
            if ((quoteParity(buf, from, to, quote) & 1) == 0) {
                return map;
            }
            return pack(flip(apply(map, OUT)), flip(apply(map, IN)), flip(apply(map, ESC)));
        }
        int a = apply(map, OUT);
        int b = apply(map, IN);
        int c = apply(map, ESC);
        for (int i = from; i < to; i++) {
            byte x = buf[i];
            if (x != quote && x != escape && a != ESC && b != ESC && c != ESC) {
                continue;
            }
            a = step(a, x, quote, escape);
            b = step(b, x, quote, escape);
            c = step(c, x, quote, escape);
        }
        return pack(a, b, c);
    }

    /**
     * 1 if {@code buf[from .. to)} holds an odd number of {@code quote} bytes, else 0. Reads 8
     * bytes at a time: {@code ((x & 0x7f..) + 0x7f..) | x} has the high bit of a byte clear
     * exactly where {@code x = w ^ quote..} has a zero byte (no carry crosses bytes), and the
     * parity of a sum of popcounts is the parity of the popcount of their XOR.
     */
    static int quoteParity(byte[] buf, int from, int to, byte quote) {
        long q = (quote & 0xffL) * 0x0101010101010101L;
        long acc = 0;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long x = (long) LONGS.get(buf, i) ^ q;
            acc ^= ~(((x & 0x7f7f7f7f7f7f7f7fL) + 0x7f7f7f7f7f7f7f7fL) | x) & 0x8080808080808080L;
        }
        int parity = Long.bitCount(acc);
        for (; i < to; i++) {
            if (buf[i] == quote) {
                parity++;
            }
        }
        return parity & 1;
    }

    /** The state after byte {@code x} in state {@code s}. */
    static int step(int s, byte x, byte quote, byte escape) {
        switch (s) {
            case OUT:
                return x == quote ? IN : OUT;
            case IN:
                return x == quote ? OUT : x == escape ? ESC : IN;
            default:
                return IN;
        }
    }

    private static int flip(int s) {
        return s == OUT ? IN : OUT;
    }

    static int apply(int map, int state) {
        return (map >>> (2 * state)) & 3;
    }

    private static int pack(int fromOut, int fromIn, int fromEsc) {
        return fromOut | (fromIn << 2) | (fromEsc << 4);
    }

    /**
     * Scans {@code buf[from .. to)} from state {@code state} for the first line end outside
     * quotes: returns the index after it (where the next record starts), or {@code -(s + 1)}
     * with {@code s} the state at {@code to} if there is none.
     */
    static int findRecordStart(byte[] buf, int from, int to, int state, int quote, byte escape) {
        int s = state;
        if (quote < 0) {
            for (int i = from; i < to; i++) {
                if (buf[i] == '\n') {
                    return i + 1;
                }
            }
            return -(s + 1);
        }
        byte q = (byte) quote;
        if (escape == q) {
            for (int i = from; i < to; i++) {
                byte x = buf[i];
                if (x == q) {
                    s = s == OUT ? IN : OUT;
                } else if (x == '\n' && s == OUT) {
                    return i + 1;
                }
            }
            return -(s + 1);
        }
        for (int i = from; i < to; i++) {
            byte x = buf[i];
            if (x == '\n' && s == OUT) {
                return i + 1;
            }
            if (x == q || x == escape || s == ESC) {
                s = step(s, x, q, escape);
            }
        }
        return -(s + 1);
    }

    /**
     * The prefix chain over a file's ranges: range k hands in its transition map and gets the
     * state at its start, which is the composition of the maps of ranges 0 .. k-1 applied to OUT.
     * Range k waits only for ranges before it, which are claimed earlier and never wait for later
     * ones, so the chain cannot deadlock; {@link #abort()} releases waiters when the file is
     * abandoned (close or a failed range).
     */
    static final class Chain {
        private final int[] startStates;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition published = lock.newCondition();
        private boolean aborted;

        Chain(int ranges) {
            startStates = new int[ranges + 1];
            Arrays.fill(startStates, -1);
            startStates[0] = OUT;
        }

        /**
         * Publishes range {@code k}'s transition map and returns the state at its start, waiting
         * for the ranges before it.
         *
         * @throws OrderedParts.Cancelled if the chain was aborted
         */
        int startState(int k, int map) {
            lock.lock();
            try {
                while (startStates[k] < 0) {
                    if (aborted) {
                        throw new OrderedParts.Cancelled();
                    }
                    try {
                        published.await(10, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new OrderedParts.Cancelled();
                    }
                }
                int s = startStates[k];
                startStates[k + 1] = apply(map, s);
                published.signalAll();
                return s;
            } finally {
                lock.unlock();
            }
        }

        void abort() {
            lock.lock();
            try {
                aborted = true;
                published.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
