"""Plumbing: settings, database, Temporal client, logging and the embedded dev stack."""
