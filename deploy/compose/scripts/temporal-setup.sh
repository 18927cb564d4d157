#!/bin/sh
# One-shot, idempotent: the namespace our processes use, then the search attributes operators
# filter claims by in the Web UI. Runs in Temporal's admin-tools image (it needs only the
# `temporal` CLI), with TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and, for a TLS cluster or
# Temporal Cloud, the same TEMPORAL_TLS_* / TEMPORAL_API_KEY variables as our processes.
# Every failure stops the script with a non-zero exit: nothing is swallowed.
set -eu

namespace=${TEMPORAL_NAMESPACE:-default}
retention=${NAMESPACE_RETENTION:-30d}
wait_s=${SETUP_WAIT_S:-180}
# name=type pairs, kept equal to workflows/search_attributes.py by the deploy tests.
attributes=${CLAIMS_SEARCH_ATTRIBUTES:-"ClaimStatus=Keyword ClaimType=Keyword ClaimAmount=Double PolicyNumber=Keyword Escalated=Bool StepRetrying=Bool"}

# Retry until $wait_s: the server may still be starting, or a fresh namespace not yet loaded.
. "$(dirname "$0")/retry.sh"

echo "temporal-setup: waiting for Temporal at ${TEMPORAL_ADDRESS:-127.0.0.1:7233}"
retry temporal operator cluster health

if temporal operator namespace describe --namespace "$namespace" >/dev/null 2>&1; then
  echo "temporal-setup: namespace $namespace exists"
else
  echo "temporal-setup: creating namespace $namespace (retention $retention)"
  retry temporal operator namespace create --namespace "$namespace" --retention "$retention"
fi

for attribute in $attributes; do
  name=${attribute%%=*}
  type=${attribute#*=}
  # Creating an attribute that exists with the same type succeeds; a different type fails.
  retry temporal operator search-attribute create --namespace "$namespace" --name "$name" --type "$type"
done

listed=$(temporal operator search-attribute list --namespace "$namespace")
for attribute in $attributes; do
  name=${attribute%%=*}
  case "$listed" in
    *"$name"*) ;;
    *) echo "temporal-setup: $name is missing after registration" >&2; exit 1 ;;
  esac
done
echo "temporal-setup: namespace $namespace has: $attributes"
