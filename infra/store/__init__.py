"""Persistence functions: keyword-only, one line of docstring each, one concern per module."""
