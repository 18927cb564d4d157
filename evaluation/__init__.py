"""Evaluating the assessment: the golden set, running it through production's code path,
the metrics, and the report (`claims eval`)."""
