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
lab=
trap '[ -n "$lab" ] && kill $lab 2>/dev/null; wait 2>/dev/null || true' EXIT
# Ports below the ephemeral range, where client sockets in TIME-WAIT cannot
# block a listener; a range another process holds one of is tried again
# elsewhere.
for try in 1 2 3 4 5; do
  port=$((11000 + RANDOM % 20000))
  "$vc" lab --devices 60 --port "$port" --faults auth=3%,timeout=3% --inventory "$home/lab.csv" 2>"$home/lab.log" &
  lab=$!
  for _ in $(seq 100); do
    grep -q "lab ready" "$home/lab.log" 2>/dev/null && break
    kill -0 "$lab" 2>/dev/null || break
    sleep 0.1
  done
  grep -q "lab ready" "$home/lab.log" && break
  wait "$lab" 2>/dev/null || true
  lab=
done
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
