#!/bin/sh
# One-shot job (temporalio/admin-tools), after the server is healthy: creates the namespace and
# registers the custom search attributes refund cases upsert (workflows/search-attributes.ts;
# test/deploy checks the two lists agree). Safe to run again: it only adds what is missing.
set -eu
: "${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS is required}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
# Closed cases stay readable (and replayable) this long after they finish.
RETENTION="${NAMESPACE_RETENTION:-90d}"

until temporal operator cluster health --address "${TEMPORAL_ADDRESS}"; do sleep 2; done

temporal operator namespace describe --address "${TEMPORAL_ADDRESS}" -n "${NAMESPACE}" >/dev/null 2>&1 ||
  temporal operator namespace create --address "${TEMPORAL_ADDRESS}" -n "${NAMESPACE}" --retention "${RETENTION}"

# A new namespace reaches every frontend only after the namespace cache refreshes (~10 s).
until existing="$(temporal operator search-attribute list --address "${TEMPORAL_ADDRESS}" -n "${NAMESPACE}" 2>/dev/null)"; do sleep 2; done
for attribute in \
  RefundStatus:Keyword \
  RefundPolicyId:Keyword \
  RefundCustomerId:Keyword \
  RefundProductId:Keyword \
  RefundPurchasedAt:Datetime \
  RefundNextDeadline:Datetime \
  RefundOutcome:Keyword \
  RefundEscalated:Bool; do
  name="${attribute%%:*}"
  if printf '%s\n' "${existing}" | grep -qw "${name}"; then
    echo "search attribute ${name}: present"
  else
    temporal operator search-attribute create --address "${TEMPORAL_ADDRESS}" -n "${NAMESPACE}" --name "${name}" --type "${attribute##*:}"
  fi
done
echo "namespace ${NAMESPACE} ready"
