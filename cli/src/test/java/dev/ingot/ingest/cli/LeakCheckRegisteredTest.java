package dev.ingot.ingest.cli;

import dev.ingot.testing.LeakCheckRegistration;

/** The leak check after every test runs in the cli module. */
class LeakCheckRegisteredTest extends LeakCheckRegistration {}
