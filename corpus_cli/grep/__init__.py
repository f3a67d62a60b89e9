"""Search: a matcher (no I/O), which lines it selects, the records it reports, and the driver over documents."""
