# Sourced by the setup scripts (not a job of its own): `retry COMMAND...` runs COMMAND until it
# succeeds, every 2 s, for at most $wait_s seconds, as Temporal's own setup scripts wait for
# their dependencies; then it gives up and the job exits 1.
retry() {
  waited=0
  until "$@"; do
    if [ "$waited" -ge "$wait_s" ]; then
      echo "${0##*/}: gave up after ${wait_s}s: $*" >&2
      exit 1
    fi
    echo "${0##*/}: not ready yet, retrying in 2s: $*" >&2
    sleep 2
    waited=$((waited + 2))
  done
}
