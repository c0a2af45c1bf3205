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
. scripts/lablib.sh
trap lab_stop EXIT
LAB_PREWARM=0 lab_start "$vc" 60 "$home" --faults auth=3%,timeout=3%
grep "lab ready" "$home/lab-part1.log"

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
