"""Worker entrypoints, one per task queue: the only place that wires dependencies together."""
