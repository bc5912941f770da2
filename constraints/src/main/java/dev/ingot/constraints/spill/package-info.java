/**
 * External constraint checks: when a PRIMARY KEY / UNIQUE key set does not fit its share of the
 * load's memory limit, its keys (with the row ids they came from) go to sorted runs in temporary
 * files of a {@link dev.ingot.constraints.spill.SpillDirectory}; duplicates are found by a k-way
 * merge of the runs, and FOREIGN KEYs referencing such a key by a merge join of the child's sorted
 * keys with the parent's sorted unique keys. The classic external sort-merge (Knuth, TAOCP vol. 3,
 * 5.4.1; the same scheme as a database's sort-merge join). Results equal the in-memory checks':
 * the lowest violating row, the same key.
 */
package dev.ingot.constraints.spill;
