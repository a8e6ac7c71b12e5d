# Start and stop the embedded local chain (Hardhat's EDR node) for scripts. Source it; don't run it.

# Picks a free loopback TCP port.
ledger_free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# ledger_start_hardhat_node LOGFILE → sets LEDGER_CHAIN_PID and LEDGER_RPC_URL; waits until it answers.
ledger_start_hardhat_node() {
  local log="$1" port
  port="$(ledger_free_port)"
  (cd "$LEDGER_ROOT" && exec node node_modules/.bin/hardhat node --hostname 127.0.0.1 --port "$port") >"$log" 2>&1 &
  LEDGER_CHAIN_PID=$!
  LEDGER_RPC_URL="http://127.0.0.1:$port"
  export LEDGER_CHAIN_PID LEDGER_RPC_URL
  for _ in $(seq 1 150); do
    if curl -s -m 1 -H 'content-type: application/json' \
         -d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$LEDGER_RPC_URL" | grep -q result; then
      return 0
    fi
    if ! kill -0 "$LEDGER_CHAIN_PID" 2>/dev/null; then
      echo "The local chain node exited at start; its log:" >&2; cat "$log" >&2; return 1
    fi
    sleep 0.2
  done
  echo "The local chain node did not answer on $LEDGER_RPC_URL within 30 s; its log: $log" >&2
  return 1
}

ledger_stop_chain() {
  if [[ -n "${LEDGER_CHAIN_PID:-}" ]] && kill -0 "$LEDGER_CHAIN_PID" 2>/dev/null; then
    kill "$LEDGER_CHAIN_PID" 2>/dev/null
    wait "$LEDGER_CHAIN_PID" 2>/dev/null || true
  fi
}
