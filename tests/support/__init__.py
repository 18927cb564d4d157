"""Test support: shared servers, factories and helpers (not tests themselves)."""
