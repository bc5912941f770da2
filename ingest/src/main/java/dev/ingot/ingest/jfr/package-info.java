/**
 * <b>API (event names and fields).</b> The JDK Flight Recorder events of a load, per batch and stage and
 * per table, for {@code -XX:StartFlightRecording}.
 */
package dev.ingot.ingest.jfr;
