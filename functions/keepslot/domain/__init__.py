"""The pure core: standard library only, no clock, no I/O."""
