package dev.ingot.ingest;

import dev.ingot.testing.LeakCheckRegistration;

/** The leak check after every test runs in the ingest module. */
class LeakCheckRegisteredTest extends LeakCheckRegistration {}
