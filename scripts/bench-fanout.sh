#!/usr/bin/env bash
# The fan-out benchmark: vc against a lab of N devices, as separate
# processes on this machine, then the predecessor's way (Netmiko on a
# 12-thread pool) on a sample of the same lab for the ratio.
#
# usage: bench-fanout.sh VC [DEVICES] [NETMIKO_SAMPLE]
set -euo pipefail
vc=$(realpath "${1:-bin/vc}")
n=${2:-1000}
sample=${3:-36}
work=$(mktemp -d)
port=$((11000 + RANDOM % 20000)) # below the ephemeral range, where client sockets in TIME-WAIT cannot block a listener
lab_pid=
cleanup() { [ -n "$lab_pid" ] && kill "$lab_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
export VC_HOME=$work/home VC_VAULT_PASSWORD=bench-only-password

# The lab: platforms whose devices all answer `show ip arp`.
"$vc" lab --devices "$n" --port "$port" --platforms arista_eos,cisco_ios,cisco_nxos \
  --inventory "$work/lab.csv" 2>"$work/lab.log" &
lab_pid=$!
for _ in $(seq 100); do grep -q "lab ready" "$work/lab.log" 2>/dev/null && break; sleep 0.1; done
grep "lab ready" "$work/lab.log"

"$vc" device import "$work/lab.csv" >/dev/null 2>&1
"$vc" vault init >/dev/null 2>&1
printf 'admin\n' | "$vc" cred add lab --user admin --password-stdin --default >/dev/null 2>&1

cat > "$work/bench.vc" <<'VC'
select *
exec show ip arp |> count
exec show ip arp |> count
VC

echo
echo "vc: exec show ip arp on $n devices, twice in one session (the second reuses the warm sessions)"
/usr/bin/time -f "%e %U %S %M" -o "$work/time" "$vc" -f "$work/bench.vc" >"$work/out" 2>"$work/err" || { cat "$work/err"; exit 1; }
read -r wall user sys rss < "$work/time"
grep -E '^[0-9]+ ok' "$work/err" | nl -w1 -s': ' | sed 's/^1:/  first exec: /; s/^2:/  second exec:/'
first=$(grep -E '^[0-9]+ ok' "$work/err" | head -1 | sed -E 's/.*failed, ([0-9.]+) (ms|s).*/\1 \2/')
records=$(head -2 "$work/out" | tail -1 | tr -d ' ')
awk -v n="$n" -v wall="$wall" -v user="$user" -v sys="$sys" -v rss="$rss" -v first="$first" -v records="$records" 'BEGIN {
  split(first, f, " "); s = (f[2] == "ms") ? f[1] / 1000 : f[1]
  printf "  first exec: %.0f devices/s; ARP records parsed: %s\n", n / s, records
  printf "  whole process: %.2f s wall, CPU %.2f ms per device-exec (%.2f s user + %.2f s sys over %d device-execs), peak RSS %.0f MB\n",
    wall, (user + sys) * 1000 / (2 * n), user, sys, 2 * n, rss / 1024
}'
vc_rate=$(awk -v n="$n" -v first="$first" 'BEGIN { split(first, f, " "); s = (f[2] == "ms") ? f[1] / 1000 : f[1]; printf "%.2f", n / s }')

echo
if /usr/bin/python3 -c 'import netmiko' 2>/dev/null; then
  echo "Netmiko (python3-netmiko, 12 threads) on $sample of the same devices:"
  /usr/bin/python3 "$(dirname "$0")/netmiko_fanout.py" "$work/lab.csv" "$sample" "show ip arp" 2>/dev/null | tee "$work/netmiko"
  nm_rate=$(sed -E 's/.*: ([0-9.]+) devices\/s/\1/' "$work/netmiko")
  awk -v a="$vc_rate" -v b="$nm_rate" 'BEGIN { printf "  vc is %.0f times the Netmiko rate\n", a / b }'
else
  echo "Netmiko comparison skipped: python3-netmiko is not installed (apt-get install python3-netmiko)"
fi
