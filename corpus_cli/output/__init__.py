"""Print: the only writers of output, one per format, and the views a person reads on a terminal."""
