#!/usr/bin/env bash
# make demo: a fresh vc home, a lab of simulated devices, the demo script
# end to end, then the lab stopped.
set -euo pipefail
vc=$(realpath "${1:-bin/vc}")
home=$(realpath -m "${2:-.demo}")
cd "$(dirname "$0")/.."
rm -rf "$home"
mkdir -p "$home"
export VC_HOME=$home
# The demo's vault password: fine for a throwaway lab, never for real use.
export VC_VAULT_PASSWORD=demo-only-vault-password
port=$((11000 + RANDOM % 20000)) # below the ephemeral range, where client sockets in TIME-WAIT cannot block a listener

"$vc" lab --devices 60 --port "$port" --faults auth=3%,timeout=3% --inventory "$home/lab.csv" 2>"$home/lab.log" &
lab=$!
trap 'kill $lab 2>/dev/null; wait $lab 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -q "lab ready" "$home/lab.log" 2>/dev/null && break; sleep 0.1; done
grep "lab ready" "$home/lab.log" || { cat "$home/lab.log"; exit 1; }

# The lab's login password goes to cred add on stdin, never on a command line.
set +e
printf 'admin\n' | "$vc" -f demo/demo.vc "$home/lab.csv"
status=$?
set -e
echo
# Some lab devices fail on purpose, so the script ends with status 3
# (some devices failed); anything else is a real failure.
if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
  echo "demo failed (exit status $status)"
  exit "$status"
fi
echo "demo done: the lab stops now; VC_HOME was $home"
