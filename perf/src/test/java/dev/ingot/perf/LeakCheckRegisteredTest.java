package dev.ingot.perf;

import dev.ingot.testing.LeakCheckRegistration;

/** The leak check after every test runs in the perf module. */
class LeakCheckRegisteredTest extends LeakCheckRegistration {}
