#!/usr/bin/env bash
# The jobs benchmark: 20 saved jobs over a lab of N devices, run as one
# batch four at a time, vc and the lab as separate processes on this
# machine. It prints the batch's wall time, then the most sessions the lab
# saw at work at once per site (the lab says so when it stops) against
# each site's max-sessions.
#
# usage: bench-jobs.sh VC [DEVICES] [PARALLEL] [SITE_LIMIT]
set -euo pipefail
vc=$(realpath "${1:-bin/vc}")
n=${2:-1000}
parallel=${3:-4}
limit=${4:-100}
work=$(mktemp -d)
cleanup() { lab_stop; rm -rf "$work"; }
trap cleanup EXIT
. "$(dirname "$0")/lablib.sh"
export VC_HOME=$work/home VC_VAULT_PASSWORD=bench-only-password

lab_start "$vc" "$n" "$work" --platforms arista_eos,cisco_ios,cisco_nxos
grep -h "lab ready" "$work"/lab-part*.log
lab_store "$vc" "$work/lab.csv"

# 20 jobs: each site and platform (9), each role (4), each platform (3),
# each site (3), and every device.
{
  for s in usa emea apac; do
    echo "site edit $s max-sessions=$limit"
    for p in arista_eos cisco_ios cisco_nxos; do
      echo "job create $s-${p//_/-} --command 'show version' --select 'site == \"$s\" && platform == \"$p\"'"
    done
  done
  for r in leaf spine core edge; do echo "job create role-$r --command 'show version' --select 'role == \"$r\"'"; done
  for p in arista_eos cisco_ios cisco_nxos; do echo "job create all-${p//_/-} --command 'show version' --select 'platform == \"$p\"'"; done
  for s in usa emea apac; do echo "job create all-$s --command 'show version' --select 'site == \"$s\"'"; done
  echo "job create everything --command 'show version' --select '*'"
} > "$work/jobs.vc"
"$vc" -f "$work/jobs.vc" >/dev/null 2>&1 || { "$vc" -f "$work/jobs.vc"; exit 1; }
jobs=$("$vc" job list --json | grep -c '"slug"')

echo
echo "vc: run --all-enabled --parallel $parallel: $jobs jobs over $n devices, each site limited to $limit sessions"
/usr/bin/time -f "%e %U %S %M" -o "$work/time" "$vc" run --all-enabled --parallel "$parallel" >"$work/out" 2>"$work/err" || { cat "$work/err"; exit 1; }
read -r wall user sys rss < "$work/time"
grep '^batch ' "$work/err" | sed 's/^/  /'
runs=$(grep -c '^job .* ok, ' "$work/err")
echo "  whole process: $wall s wall ($user s user + $sys s sys), peak RSS $((rss / 1024)) MB, $runs job runs"

# The lab says its peaks when it stops.
lab_stop
peaks=$(grep -h '^lab stopped: ' "$work"/lab-part*.log | sed 's/^lab stopped: //')
echo "  lab: $peaks, against a limit of $limit per site"
over=$(echo "$peaks" | sed -E 's/.*: //; s/ \(.*//' | tr ',' '\n' | awk -v l="$limit" '$2 > l { print $1 }')
if [ -n "$over" ]; then
  echo "  OVER THE LIMIT at: $over"
  exit 1
fi
