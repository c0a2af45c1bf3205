#!/usr/bin/env bash
# vc from 1,000 to 10,000 devices: the lab and vc as separate processes on
# this machine, `exec show ip arp |> count` twice (the second on the warm
# sessions) at each size; devices/s, failures, vc's CPU per device, peak
# RSS, and how much CPU the lab itself took (it shares the cores).
#
# usage: bench-scale.sh VC [SIZES...]
#   VC_PPROF=DIR  writes cpu.pprof and heap.pprof of vc at the largest size
#   KEEP=1        keeps the work directory (outputs, logs, the vc script)
set -euo pipefail
vc=$(realpath "${1:-bin/vc}")
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 2500 5000 10000)
work=$(mktemp -d)
# shellcheck source=lablib.sh
. "$(dirname "$0")/lablib.sh"
cleanup() { lab_stop; [ -n "${KEEP:-}" ] || rm -rf "$work"; [ -z "${KEEP:-}" ] || echo "work: $work" >&2; }
trap cleanup EXIT

echo "CPU/dev: vc's CPU over both execs, less what a vc process costs before it talks to a device, per device-exec"
[ "${LAB_PREWARM:-1}" = 1 ] && echo "lab: every device's model built before it is ready (LAB_PREWARM=0: at its first session)"
printf '%8s  %9s  %7s  %7s  %8s  %7s  %8s  %s\n' devices first dev/s warm failures CPU/dev "peak RSS" "lab CPU (of the 2 execs)"
largest=${sizes[${#sizes[@]}-1]}
# Only the measured vc profiles; the lab and the setup commands do not.
profdir=${VC_PPROF:-}
unset VC_PPROF
for n in "${sizes[@]}"; do
  dir=$work/$n
  mkdir -p "$dir"
  lab_start "$vc" "$n" "$dir" --platforms arista_eos,cisco_ios,cisco_nxos || exit 1
  export VC_HOME=$dir/home VC_VAULT_PASSWORD=bench-only-password
  lab_store "$vc" "$dir/lab.csv" || exit 1
  cat > "$dir/bench.vc" <<'VC'
set errexit off
set max-targets 20000
select *
exec --all-creds show ip arp |> count
exec show ip arp |> count
VC
  # What a vc process costs before it talks to any device (start, the
  # vault's key derivation, the selection): taken from the CPU per device.
  printf 'set max-targets 20000\nselect *\nvault unlock\n' > "$dir/fixed.vc"
  /usr/bin/time -f "%U %S" -o "$dir/fixed.time" "$vc" -f "$dir/fixed.vc" >/dev/null 2>&1 || true
  read -r fuser fsys < <(tail -1 "$dir/fixed.time")
  prof=
  [ -n "$profdir" ] && [ "$n" = "$largest" ] && prof=$profdir
  lab0=$(lab_cpu)
  VC_PPROF=$prof /usr/bin/time -f "%e %U %S %M" -o "$dir/time" "$vc" -f "$dir/bench.vc" >"$dir/out" 2>"$dir/err" || true
  lab1=$(lab_cpu)
  read -r wall user sys rss < <(tail -1 "$dir/time")
  first=$(grep -E '^[0-9]+ ok' "$dir/err" | head -1)
  warm=$(grep -E '^[0-9]+ ok' "$dir/err" | sed -n 2p)
  awk -v n="$n" -v first="$first" -v warm="$warm" -v user="$user" -v sys="$sys" -v rss="$rss" -v fixed="$(awk -v u="$fuser" -v s="$fsys" 'BEGIN { print u + s }')" \
      -v lab0="$lab0" -v lab1="$lab1" -v wall="$wall" -v shards="$lab_shards" 'function secs(s,  f, t) {
        split(s, f, ", "); split(f[3], t, " "); return (t[2] == "ms") ? t[1] / 1000 : t[1] }
      BEGIN {
        split(first, a, " "); failed = a[3] + 0; split(warm, b, " "); failed += b[3] + 0
        f = secs(first); w = secs(warm); lab = lab1 - lab0; vcpu = user + sys
        printf "%8d  %8.2fs  %7.0f  %6.2fs  %8d  %5.2fms  %6.0fMB  %.1fs (%.0f%% of all CPU; vc %.1fs, %.2fs of it fixed; %.1fs wall; %d lab process%s)\n",
          n, f, n / f, w, failed, (vcpu - fixed) * 1000 / (2 * n), rss / 1024, lab, 100 * lab / (lab + vcpu), vcpu, fixed, wall,
          shards, (shards > 1 ? "es" : "") }'
  lab_stop
done
