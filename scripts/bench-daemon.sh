#!/usr/bin/env bash
# The daemon soak: vc daemon runs a job on every device of a lab every 10 s
# for a while (default 10 minutes); its RSS and goroutine count after the
# first run and at the end show whether a long-lived daemon stays flat, and
# its status counts the runs that started late or were skipped.
#
# usage: bench-daemon.sh VC [DEVICES] [DURATION_SECONDS] [EVERY]
set -euo pipefail
vc=$(realpath "${1:-bin/vc}")
n=${2:-200}
secs=${3:-600}
every=${4:-10s}
work=$(mktemp -d)
daemon_pid=
cleanup() {
  [ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null
  lab_stop
  wait 2>/dev/null
  [ -n "${KEEP:-}" ] && echo "work: $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
. "$(dirname "$0")/lablib.sh"
export VC_HOME=$work/home VC_VAULT_PASSWORD=bench-only-password

lab_start "$vc" "$n" "$work" --platforms arista_eos,cisco_ios,cisco_nxos
lab_store "$vc" "$work/lab.csv"
"$vc" job create arp --command 'show ip arp' --select '*' >/dev/null 2>&1
# The first run meets every host key: the job is run once by hand, with
# --all-creds, as an operator would before scheduling it.
"$vc" -c 'select *; exec --all-creds show ip arp |> count' >/dev/null 2>&1
"$vc" schedule add arp --cron "@every $every" >/dev/null 2>&1

"$vc" daemon --log-format json 2>"$work/daemon.log" &
daemon_pid=$!
status() { "$vc" daemon status --json 2>/dev/null; }
field() { sed -nE "s/.*\"$1\": ?([0-9]+).*/\1/p" | head -1; }
proc_rss() { awk '/^VmRSS/ { print $2 }' "/proc/$daemon_pid/status"; }

echo "daemon soak: job 'show ip arp' on $n devices every $every for ${secs}s"
# After the first scheduled run: the baseline, warm.
for _ in $(seq 300); do grep -q '"msg":"done"' "$work/daemon.log" && break; sleep 0.1; done
sleep 1
s0=$(status); g0=$(echo "$s0" | field goroutines); r0=$(proc_rss); t0=$(date +%s)
printf '  after the first run: RSS %d MB, %d goroutines\n' $((r0 / 1024)) "$g0"
sleep "$secs"
s1=$(status); g1=$(echo "$s1" | field goroutines); r1=$(proc_rss); t1=$(date +%s)
kill -TERM "$daemon_pid"; wait "$daemon_pid" || true; daemon_pid=
fired=$(echo "$s1" | field fired); late=$(echo "$s1" | field late); skipped=$(echo "$s1" | field skipped)
printf '  after %d s: RSS %d MB, %d goroutines\n' $((t1 - t0)) $((r1 / 1024)) "$g1"
printf '  runs: %d fired, %d late (started more than 2 s after their time), %d skipped (the last still ran)\n' "$fired" "$late" "$skipped"
failed=$(grep -c '"msg":"done".*"status":"\(partial\|failed\)"' "$work/daemon.log" || true)
durations=$(grep -o '"took":"[^"]*"' "$work/daemon.log" | sed 's/"took":"//; s/"//' | sort -V | awk '{ a[NR] = $0 } END { if (NR) printf "%s median, %s slowest", a[int((NR + 1) / 2)], a[NR] }')
printf '  runs that were not all success: %d; run time %s\n' "$failed" "$durations"
awk -v a="$r0" -v b="$r1" -v g0="$g0" -v g1="$g1" 'BEGIN { printf "  growth: RSS %+.1f%%, goroutines %+d\n", (b - a) * 100 / a, g1 - g0 }'
