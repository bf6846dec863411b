"""The interview engine: a pure state machine and the plan it follows."""
