package dev.ingot.columnstore;

import dev.ingot.testing.LeakCheckRegistration;

/** The leak check after every test runs in the columnstore module. */
class LeakCheckRegisteredTest extends LeakCheckRegistration {}
