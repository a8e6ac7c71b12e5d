# Shared by scripts/demo, scripts/test and scripts/bench. Source it; don't run it.
# Installs what the project needs from npm and NuGet, only when something changed.

LEDGER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export LEDGER_ROOT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export NODE_OPTIONS="${NODE_OPTIONS:-} --no-deprecation"

# A section heading with the time since the script started (where a long run spends its time).
ledger_log() { printf '\033[1m==> [%dm%02ds] %s\033[0m\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*" >&2; }

# npm ci when node_modules is missing or package-lock.json changed since the last install.
ledger_ensure_npm() {
  command -v node >/dev/null || { echo "Node.js 20+ is required (node not found on PATH)." >&2; return 1; }
  local stamp="$LEDGER_ROOT/node_modules/.ledger-lock-sha"
  local want
  want="$(sha256sum "$LEDGER_ROOT/package-lock.json" | cut -d' ' -f1)"
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    ledger_log "Installing npm packages (npm ci)"
    (cd "$LEDGER_ROOT" && npm ci --no-audit --no-fund --loglevel=error) || return 1
    echo "$want" > "$stamp"
  fi
}

# Compiles the contracts (offline, solc-js) if needed.
ledger_ensure_contracts() {
  (cd "$LEDGER_ROOT" && node node_modules/.bin/hardhat compile --quiet) || return 1
}
