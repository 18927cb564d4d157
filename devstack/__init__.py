"""The embedded dev stack behind `claims dev`: real Temporal and Postgres as child processes."""
