#!/usr/bin/env bash
# The fan-out benchmark: `exec show ip arp` on N lab devices (lab and
# client as separate processes on this machine), by vc, by the fastest
# Python way (asyncssh: every device at once on one event loop, textfsm
# parsing, scripts/asyncssh_fanout.py) and by the predecessor's (Netmiko
# on 12 threads, on a sample), with vc's rate over each of theirs. Each
# client gets a lab of its own, started afresh with the same fleet, so
# none finds the lab's outputs already rendered by another.
#
# usage: bench-fanout.sh VC [DEVICES] [NETMIKO_SAMPLE]
set -euo pipefail
vc=$(realpath "${1:-bin/vc}")
n=${2:-1000}
sample=${3:-36}
here=$(dirname "$0")
work=$(mktemp -d)
# shellcheck source=lablib.sh
. "$here/lablib.sh"
cleanup() { lab_stop; rm -rf "$work"; }
trap cleanup EXIT
export VC_HOME=$work/home VC_VAULT_PASSWORD=bench-only-password
platforms=arista_eos,cisco_ios,cisco_nxos # every device answers show ip arp

fresh_lab() { lab_start "$vc" "$n" "$work" --platforms "$platforms" || exit 1; }
rate_of() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.2f", n / s }'; }

fresh_lab
lab_store "$vc" "$work/lab.csv"
cat > "$work/bench.vc" <<'VC'
set max-targets 20000
select *
exec --all-creds show ip arp |> count
exec show ip arp |> count
VC

echo "vc: exec show ip arp on $n devices, twice in one session (the second reuses the warm sessions)"
/usr/bin/time -f "%e %U %S %M" -o "$work/time" "$vc" -f "$work/bench.vc" >"$work/out" 2>"$work/err" || { cat "$work/err"; exit 1; }
read -r wall user sys rss < "$work/time"
grep -E '^[0-9]+ ok' "$work/err" | nl -w1 -s': ' | sed 's/^1:/  first exec: /; s/^2:/  second exec:/'
first=$(grep -E '^[0-9]+ ok' "$work/err" | head -1 | sed -E 's/.*failed, ([0-9.]+) (ms|s).*/\1 \2/')
first_s=$(awk -v f="$first" 'BEGIN { split(f, a, " "); printf "%.3f", (a[2] == "ms") ? a[1] / 1000 : a[1] }')
records=$(head -2 "$work/out" | tail -1 | tr -d ' ')
vc_rate=$(rate_of "$n" "$first_s")
awk -v n="$n" -v wall="$wall" -v user="$user" -v sys="$sys" -v rss="$rss" -v rate="$vc_rate" -v records="$records" 'BEGIN {
  printf "  first exec: %.0f devices/s; ARP records parsed: %s\n", rate, records
  printf "  whole process: %.2f s wall, CPU %.2f ms per device-exec (%.2f s user + %.2f s sys over %d device-execs), peak RSS %.0f MB\n",
    wall, (user + sys) * 1000 / (2 * n), user, sys, 2 * n, rss / 1024
}'
lab_stop

echo
if /usr/bin/python3 -c 'import asyncssh, textfsm' 2>/dev/null; then
  fresh_lab
  echo "asyncssh (python3-asyncssh and python3-textfsm, one event loop, all $n devices at once):"
  /usr/bin/python3 "$here/asyncssh_fanout.py" "$work/lab.csv" "$n" "show ip arp" 2>"$work/async.err" | tee "$work/async" || { cat "$work/async.err"; exit 1; }
  as_rate=$(sed -E 's/.*: ([0-9.]+) devices\/s.*/\1/' "$work/async")
  awk -v a="$vc_rate" -v b="$as_rate" 'BEGIN { printf "  vc is %.1f times the asyncssh rate (first exec, %.0f against %.0f devices/s)\n", a / b, a, b }'
  lab_stop
else
  echo "asyncssh comparison skipped: python3-asyncssh or python3-textfsm is not installed (apt-get install python3-asyncssh python3-textfsm)"
fi

echo
if /usr/bin/python3 -c 'import netmiko' 2>/dev/null; then
  fresh_lab
  echo "Netmiko (python3-netmiko, 12 threads) on $sample of the same devices:"
  /usr/bin/python3 "$here/netmiko_fanout.py" "$work/lab.csv" "$sample" "show ip arp" 2>/dev/null | tee "$work/netmiko"
  nm_rate=$(sed -E 's/.*: ([0-9.]+) devices\/s/\1/' "$work/netmiko")
  awk -v a="$vc_rate" -v b="$nm_rate" 'BEGIN { printf "  vc is %.0f times the Netmiko rate (first exec, %.0f against %.1f devices/s)\n", a / b, a, b }'
  lab_stop
else
  echo "Netmiko comparison skipped: python3-netmiko is not installed (apt-get install python3-netmiko)"
fi
