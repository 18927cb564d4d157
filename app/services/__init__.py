"""What the API does, apart from HTTP: claim commands, submissions, webhook subscriptions,
the read side (claims, policies, the review queue, a claim's page), sign-in sessions and the
authenticator. Services raise the errors of app/services/errors.py; app/http/errors.py answers
them as problems. Only services (and the lifespan) touch infra.store."""
