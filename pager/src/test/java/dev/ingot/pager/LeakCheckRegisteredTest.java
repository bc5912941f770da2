package dev.ingot.pager;

import dev.ingot.testing.LeakCheckRegistration;

/** The leak check after every test runs in the pager module. */
class LeakCheckRegisteredTest extends LeakCheckRegistration {}
