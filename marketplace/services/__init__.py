"""Business rules and state transitions. Services take the acting user explicitly,
add and flush, and never commit: the caller (view, API, CLI, seed loader) commits once."""
