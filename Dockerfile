# One image for every process; the command picks it: `api`, `worker --queue claims`,
# `worker --queue llm` or `migrate`. No dev or test extras reach the final stage.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/claims
WORKDIR /src
COPY pyproject.toml constraints.txt README.md ./
COPY claims ./claims
COPY infra ./infra
COPY app ./app
COPY workflows ./workflows
COPY activities ./activities
COPY workers ./workers
COPY migrations ./migrations
RUN /opt/claims/bin/pip install -c constraints.txt .

FROM python:3.11-slim
ENV PATH=/opt/claims/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    LITELLM_LOCAL_MODEL_COST_MAP=True \
    CLAIMS_ENV=prod \
    CLAIMS_API_HOST=0.0.0.0
RUN useradd --system --uid 10001 --no-create-home claims
COPY --from=build /opt/claims /opt/claims
USER claims
EXPOSE 8000
# The API answers /healthz; workers have no HTTP port, so the check is that the process runs.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import sys,urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)" || pgrep -f "infra.cli worker|claims worker" > /dev/null
ENTRYPOINT ["claims"]
CMD ["api"]
