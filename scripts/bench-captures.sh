#!/usr/bin/env bash
# What keeping runs costs: show running-config on N lab devices twice,
# unchanged. The second run must grow the store by under 1% of what the
# first did (outputs are kept once per distinct content); the time spent
# recording each run is printed.
#
# usage: bench-captures.sh VC [DEVICES]
set -euo pipefail
vc=$(realpath "${1:-bin/vc}")
n=${2:-1000}
work=$(mktemp -d)
cleanup() { lab_stop; rm -rf "$work"; }
trap cleanup EXIT
. "$(dirname "$0")/lablib.sh"
export VC_HOME=$work/home VC_VAULT_PASSWORD=bench-only-password

lab_start "$vc" "$n" "$work" --platforms arista_eos,cisco_ios,cisco_nxos
grep -h "lab ready" "$work"/lab-part*.log
lab_store "$vc" "$work/lab.csv"

inuse() { "$vc" about --json | sed -nE 's/.*"store_in_use": ([0-9]+).*/\1/p'; }
recording() { "$vc" history show "$1" --json | sed -nE 's/.*"recording": ([0-9.]+).*/\1/p'; }

u0=$(inuse)
"$vc" -c 'select *; exec --all-creds --raw show running-config |> count' >/dev/null 2>"$work/err1" || { cat "$work/err1"; exit 1; }
u1=$(inuse)
"$vc" -c 'select *; exec --raw show running-config |> count' >/dev/null 2>"$work/err2" || { cat "$work/err2"; exit 1; }
u2=$(inuse)
r1=$(recording 1); r2=$(recording 2)
echo
echo "captures: show running-config on $n devices, twice, unchanged"
echo "  first run:  $(grep -E '^[0-9]+ ok' "$work/err1"); store grew $(( (u1 - u0) / 1024 )) KB; recorded in ${r1} s"
echo "  second run: $(grep -E '^[0-9]+ ok' "$work/err2"); store grew $(( (u2 - u1) / 1024 )) KB; recorded in ${r2} s"
awk -v a="$((u1 - u0))" -v b="$((u2 - u1))" 'BEGIN { printf "  the second run grew the store by %.2f%% of the first run'"'"'s growth (goal: under 1%%)\n", 100 * b / a }'
