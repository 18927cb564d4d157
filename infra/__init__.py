"""Production plumbing: settings, the database and its stores, payload encryption and sealing,
the Temporal client and its data converter, logging and telemetry. Nothing dev-only: the embedded
dev stack is `devstack/`, the dev tools `tools/`."""
