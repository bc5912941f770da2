/**
 * The {@code ingot} command line (picocli): one class per command, the progress bar, JSON reports
 * (Jackson). An application, not a library API: its Java types may change in any release; its
 * commands, options, outputs and exit codes are the documented contract.
 */
package dev.ingot.ingest.cli;
