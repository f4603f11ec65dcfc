"""Use cases: they take ports and `now`, and never build their own I/O."""
