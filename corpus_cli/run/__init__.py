"""Run: one command's session, which documents it selects, and how the work is spread over processes."""
