"""FastAPI gateway: starts, updates and queries claim workflows; reads Postgres."""
