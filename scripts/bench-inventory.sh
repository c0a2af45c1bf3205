#!/usr/bin/env bash
# Inventory at scale, through the real binary: import 100,000 devices from
# CSV, then select over them, each as a fresh vc process.
set -euo pipefail
vc=$(realpath "${1:-bin/vc}")
n=${2:-100000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export VC_HOME=$work/home

awk -v n="$n" 'BEGIN {
  split("arista_eos cisco_ios cisco_nxos juniper_junos linux", p, " ")
  split("usa emea apac latam", s, " "); split("leaf spine core edge", r, " ")
  print "name,ip,port,platform,site,role,vendor,status,tags"
  for (i = 0; i < n; i++)
    printf "%s-%s-%06d,10.%d.%d.%d,%d,%s,%s,%s,,active,%s\n", s[i%4+1], r[int(i/4)%4+1], i,
      int(i/65536)%256, int(i/256)%256, i%256, 10000+i%50000, p[i%5+1], s[i%4+1], r[int(i/4)%4+1], (i%3==0 ? "pci" : "")
}' > "$work/inventory.csv"

measure() { # label, command...
  local label=$1; shift
  local start end
  start=$(date +%s%N)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%M" -o "$work/rss" "$@" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
  else
    "$@" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
    echo 0 > "$work/rss"
  fi
  end=$(date +%s%N)
  printf "%-44s %8.1f ms   peak RSS %6.1f MB   %s\n" "$label" "$(( (end - start) / 1000 ))e-3" \
    "$(( $(tail -1 "$work/rss") / 1024 ))" "$(grep -v '^$' "$work/err" | tail -1)"
}

echo "inventory benchmark: $n devices, $(nproc) cores"
measure "vc device import ($n devices)" "$vc" device import "$work/inventory.csv"
measure "vc device import again (all unchanged)" "$vc" device import "$work/inventory.csv"
measure "vc select (fresh process, cold)" "$vc" select 'vendor == "arista" && site == "usa" || "pci" in tags && role == "spine"'
measure "vc -c 'select; select +; select -' (one session)" "$vc" -c 'select site == "usa"; select +role == "core"; select -"pci" in tags'
measure "vc device list (whole inventory, table)" "$vc" device list
