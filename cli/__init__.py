"""The `claims` command: the top layer, which wires the API, the workers and the dev stack."""
