#!/usr/bin/env bash
# Builds or fetches every external tool Refundflow needs, from package registries only,
# into ignored project folders. Idempotent: a tool already present at the pinned version
# is left alone, so the start and test commands call this every time.
#
#   scripts/setup-tools.sh [temporal] [test-server] [stripe-mock] [chromium] [temporal-server] [postgresql]
#   (default: all)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
BIN="$TOOLS/bin"
TEMPORAL_CLI_VERSION="v1.5.1"   # later tags carry a replace directive that `go install` refuses
STRIPE_MOCK_VERSION="v0.203.0"
# The cluster's Temporal server (make cluster, test/cluster). The dev server stays the CLI's, so the
# suite proves the product on two server versions. Go >= 1.26.10 is fetched as a toolchain module.
TEMPORAL_SERVER_VERSION="v1.32.2"
TEMPORAL_SERVER_GOTOOLCHAIN="go1.26.10"
mkdir -p "$BIN"

log() { printf '[setup-tools] %s\n' "$*" >&2; }

need() {
  local cmd="$1" hint="$2"
  if ! command -v "$cmd" >/dev/null 2>&1; then
    log "missing prerequisite: '$cmd' is not on PATH."
    log "  install it with: $hint"
    exit 1
  fi
}

# A stamp file records which version built a binary, so a version bump rebuilds it.
fresh() { [[ -x "$1" && -f "$1.version" && "$(cat "$1.version")" == "$2" ]]; }

timed() {
  local name="$1"; shift
  local start=$SECONDS
  "$@"
  log "$name ready in $((SECONDS - start)) s"
}

build_temporal() {
  fresh "$BIN/temporal" "$TEMPORAL_CLI_VERSION" && return 0
  need go "apt-get install golang (Go 1.22 or newer)"
  log "building the Temporal CLI $TEMPORAL_CLI_VERSION with go install (first time takes minutes)"
  CGO_ENABLED=0 GOBIN="$BIN" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION"
  echo "$TEMPORAL_CLI_VERSION" > "$BIN/temporal.version"
}

build_stripe_mock() {
  fresh "$BIN/stripe-mock" "$STRIPE_MOCK_VERSION" && return 0
  need go "apt-get install golang (Go 1.22 or newer)"
  log "building stripe-mock $STRIPE_MOCK_VERSION with go install"
  CGO_ENABLED=0 GOBIN="$BIN" go install "github.com/stripe/stripe-mock@$STRIPE_MOCK_VERSION"
  echo "$STRIPE_MOCK_VERSION" > "$BIN/stripe-mock.version"
}

# The Temporal server and its SQL schema tool, built from source like the CLI, plus the PostgreSQL
# schema files from the same module version (they ship inside the module, not in the binaries).
build_temporal_server() {
  local stamp="$TEMPORAL_SERVER_VERSION"
  fresh "$BIN/temporal-server" "$stamp" && fresh "$BIN/temporal-sql-tool" "$stamp" &&
    [[ -f "$TOOLS/temporal-schema/.version" && "$(cat "$TOOLS/temporal-schema/.version")" == "$stamp" ]] && return 0
  need go "apt-get install golang (any Go; GOTOOLCHAIN fetches $TEMPORAL_SERVER_GOTOOLCHAIN)"
  log "building the Temporal server $TEMPORAL_SERVER_VERSION and its schema tool (first time takes minutes)"
  local gobin; gobin="$(mktemp -d)"
  local module="go.temporal.io/server"
  GOTOOLCHAIN="$TEMPORAL_SERVER_GOTOOLCHAIN" CGO_ENABLED=0 GOBIN="$gobin" \
    go install "$module/cmd/server@$TEMPORAL_SERVER_VERSION" "$module/cmd/tools/sql@$TEMPORAL_SERVER_VERSION"
  mv "$gobin/server" "$BIN/temporal-server"
  mv "$gobin/sql" "$BIN/temporal-sql-tool"
  rmdir "$gobin"
  echo "$stamp" > "$BIN/temporal-server.version"
  echo "$stamp" > "$BIN/temporal-sql-tool.version"
  local modcache; modcache="$(GOTOOLCHAIN="$TEMPORAL_SERVER_GOTOOLCHAIN" go env GOMODCACHE)"
  rm -rf "$TOOLS/temporal-schema"
  mkdir -p "$TOOLS/temporal-schema"
  cp -r "$modcache/$module@$TEMPORAL_SERVER_VERSION/schema/postgresql" "$TOOLS/temporal-schema/"
  chmod -R u+w "$TOOLS/temporal-schema"
  echo "$stamp" > "$TOOLS/temporal-schema/.version"
}

# PostgreSQL for the cluster: Debian's server package (15 on bookworm). It runs as an unprivileged
# user the cluster code picks, with its data under the cluster's ignored folder.
install_postgresql() {
  local bindir
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
  [[ -n "$bindir" && -x "$bindir/postgres" && -x "$bindir/initdb" ]] && command -v openssl >/dev/null 2>&1 && return 0
  if [[ $(id -u) -ne 0 ]]; then
    log "missing prerequisite: PostgreSQL or openssl (the cluster). Install them with: sudo apt-get install postgresql openssl"
    exit 1
  fi
  # openssl makes the cluster's certificates (mTLS on the frontend, STARTTLS on its mail server).
  log "installing Debian's postgresql and openssl for the cluster"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql openssl >/dev/null
}

fetch_test_server() {
  local pom="$ROOT/scripts/test-server/pom.xml" lib="$TOOLS/test-server/lib"
  local want; want="$(sha256sum "$pom" | cut -d' ' -f1)"
  [[ -f "$lib/.pom.sha256" && "$(cat "$lib/.pom.sha256")" == "$want" ]] && return 0
  need java "apt-get install openjdk-17-jre-headless"
  need mvn "apt-get install maven"
  log "resolving the Java time-skipping test server with Maven"
  rm -rf "$lib"
  mvn -q -B -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$lib"
  echo "$want" > "$lib/.pom.sha256"
}

install_chromium() {
  command -v chromium >/dev/null 2>&1 && return 0
  if [[ $(id -u) -ne 0 ]]; then
    log "missing prerequisite: chromium (browser tests). Install it with: sudo apt-get install chromium"
    exit 1
  fi
  log "installing Debian's chromium for the browser tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}

targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=(temporal test-server stripe-mock chromium temporal-server postgresql)
for t in "${targets[@]}"; do
  case "$t" in
    temporal) timed "temporal CLI" build_temporal ;;
    test-server) timed "time-skipping test server" fetch_test_server ;;
    stripe-mock) timed "stripe-mock" build_stripe_mock ;;
    chromium) timed "chromium" install_chromium ;;
    temporal-server) timed "temporal server" build_temporal_server ;;
    postgresql) timed "postgresql" install_postgresql ;;
    *) log "unknown tool '$t'"; exit 2 ;;
  esac
done
