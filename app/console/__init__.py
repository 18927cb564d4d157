"""The adjuster console: server-rendered pages under /console (app/console/routes.py)."""
