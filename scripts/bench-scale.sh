#!/usr/bin/env bash
# vc from 1,000 to 10,000 devices: the lab and vc as separate processes on
# this machine, `exec show ip arp |> count` twice (the second on the warm
# sessions) at each size; devices/s, failures, vc's CPU per device, peak
# RSS, and how much CPU the lab itself took.
#
# usage: bench-scale.sh VC [SIZES...]   (VC_PPROF=DIR profiles the largest)
set -euo pipefail
vc=$(realpath "${1:-bin/vc}")
shift || true
sizes=("${@:-1000 2500 5000 10000}")
[ $# -gt 0 ] && sizes=("$@") || read -r -a sizes <<< "1000 2500 5000 10000"
work=$(mktemp -d)
lab_pid=
cleanup() { [ -n "$lab_pid" ] && kill "$lab_pid" 2>/dev/null; wait 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$work"; echo "work: $work" >&2; }
trap cleanup EXIT
ticks=$(getconf CLK_TCK)
cpu_of() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

printf '%8s  %10s  %9s  %10s  %9s  %8s  %10s  %s\n' devices first dev/s warm failures "CPU/dev" "peak RSS" "lab CPU"
largest=${sizes[${#sizes[@]}-1]}
# Only the measured vc profiles; the lab and the setup commands do not.
profdir=${VC_PPROF:-}
unset VC_PPROF
for n in "${sizes[@]}"; do
  home=$work/home-$n
  # A range of ports another process holds one of: try another.
  for try in 1 2 3 4 5; do
    port=$((11000 + RANDOM % 8000))
    "$vc" lab --devices "$n" --port "$port" --platforms arista_eos,cisco_ios,cisco_nxos \
      --inventory "$work/lab-$n.csv" 2>"$work/lab-$n.log" &
    lab_pid=$!
    for _ in $(seq 300); do
      grep -q "lab ready" "$work/lab-$n.log" 2>/dev/null && break
      kill -0 "$lab_pid" 2>/dev/null || break
      sleep 0.1
    done
    grep -q "lab ready" "$work/lab-$n.log" && break
    wait "$lab_pid" 2>/dev/null || true; lab_pid=
  done
  grep -q "lab ready" "$work/lab-$n.log" || { cat "$work/lab-$n.log"; exit 1; }
  export VC_HOME=$home VC_VAULT_PASSWORD=bench-only-password
  "$vc" device import "$work/lab-$n.csv" >/dev/null 2>"$work/import.err" || { cat "$work/import.err"; exit 1; }
  "$vc" vault init >/dev/null 2>&1
  printf 'admin\n' | "$vc" cred add lab --user admin --password-stdin --default >/dev/null 2>&1
  cat > "$work/bench.vc" <<'VC'
set errexit off
set max-targets 20000
select *
exec --all-creds show ip arp |> count
exec show ip arp |> count
VC
  prof=
  [ -n "$profdir" ] && [ "$n" = "$largest" ] && prof=$profdir
  lab0=$(cpu_of "$lab_pid")
  VC_PPROF=$prof /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$vc" -f "$work/bench.vc" >"$work/out" 2>"$work/err" || true
  lab1=$(cpu_of "$lab_pid")
  read -r wall user sys rss < <(tail -1 "$work/time")
  first=$(grep -E '^[0-9]+ ok' "$work/err" | head -1)
  warm=$(grep -E '^[0-9]+ ok' "$work/err" | sed -n 2p)
  awk -v n="$n" -v first="$first" -v warm="$warm" -v user="$user" -v sys="$sys" -v rss="$rss" \
      -v lab="$(( lab1 - lab0 ))" -v ticks="$ticks" -v wall="$wall" 'function secs(s,  f) {
        split(s, f, ", "); split(f[3], t, " "); return (t[2] == "ms") ? t[1] / 1000 : t[1] }
      BEGIN {
        split(first, a, " "); failed = a[3] + 0; split(warm, b, " "); failed += b[3] + 0
        f = secs(first); w = secs(warm)
        printf "%8d  %9.2fs  %9.0f  %9.2fs  %9d  %6.2fms  %8.0fMB  %.1fs of %.1fs wall\n",
          n, f, n / f, w, failed, (user + sys) * 1000 / (2 * n), rss / 1024, lab / ticks, wall }'
  kill "$lab_pid"; wait "$lab_pid" 2>/dev/null || true; lab_pid=
done
