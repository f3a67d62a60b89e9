"""Export: the selected documents written to files for other tools, atomically."""
