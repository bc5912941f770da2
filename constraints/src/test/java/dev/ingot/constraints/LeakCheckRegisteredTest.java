package dev.ingot.constraints;

import dev.ingot.testing.LeakCheckRegistration;

/** The leak check after every test runs in the constraints module. */
class LeakCheckRegisteredTest extends LeakCheckRegistration {}
