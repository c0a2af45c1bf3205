#!/usr/bin/env bash
# The views benchmark: get facts and get arp on a mixed lab of N devices
# next to the same questions through plain exec (each platform its own
# command, as the view sends it), in one vc process each: 3 rounds, the
# first of which logs in (the lab's outputs are warmed by a get round run
# before either). A view adds mapping to the run; it should cost under 10%.
#
# usage: bench-views.sh VC [DEVICES]
set -euo pipefail
vc=$(realpath "${1:-bin/vc}")
n=${2:-1000}
work=$(mktemp -d)
cleanup() { lab_stop; rm -rf "$work"; }
trap cleanup EXIT
. "$(dirname "$0")/lablib.sh"
export VC_HOME=$work/home VC_VAULT_PASSWORD=bench-only-password

# Platforms that have both views with one command each for arp.
lab_start "$vc" "$n" "$work" --platforms arista_eos,cisco_ios,cisco_nxos,cisco_xr,juniper_junos
grep -h "lab ready" "$work"/lab-part*.log
lab_store "$vc" "$work/lab.csv"

# The commands each built-in view sends, per platform (views show VIEW),
# run as exec runs them: a selection per platform, as a person would
# without views.
exec_of() { # VIEW: an exec line per platform that has the view
  case $1 in
  facts)
    cat <<'VC'
select platform == "arista_eos"; exec --no-capture -- "show version" "show hostname" |> count
select platform == "cisco_ios"; exec --no-capture show version |> count
select platform == "cisco_nxos"; exec --no-capture show version |> count
select platform == "cisco_xr"; exec --no-capture -- "show version" "show running-config hostname" "show inventory" |> count
select platform == "juniper_junos"; exec --no-capture -- "show version" "show system uptime" "show chassis hardware" |> count
VC
    ;;
  arp)
    cat <<'VC'
select platform == "arista_eos"; exec --no-capture show ip arp |> count
select platform == "cisco_ios"; exec --no-capture show ip arp |> count
select platform == "cisco_nxos"; exec --no-capture show ip arp |> count
select platform == "cisco_xr"; exec --no-capture show arp |> count
select platform == "juniper_junos"; exec --no-capture show arp no-resolve |> count
VC
    ;;
  esac
}

run() { # NAME SCRIPT: runs it, prints wall and CPU per device
  local name=$1 script=$2
  /usr/bin/time -f "%e %U %S" -o "$work/time" "$vc" -f "$script" >"$work/out" 2>"$work/err" || { cat "$work/err"; exit 1; }
  read -r wall user sys < "$work/time"
  awk -v name="$name" -v n="$n" -v wall="$wall" -v user="$user" -v sys="$sys" 'BEGIN {
    printf "  %-22s %6.2f s wall, %5.2f ms CPU per device (%.2f s user + %.2f s sys, 3 rounds on %d devices)\n",
      name, wall, (user + sys) * 1000 / (3 * n), user, sys, n
  }'
  echo "$wall $user $sys" > "$work/$name.t"
}

for view in facts arp; do
  { echo "select *"; for _ in 1 2 3; do echo "get $view --no-capture |> count"; done; } > "$work/get-$view.vc"
  { for _ in 1 2 3; do exec_of "$view"; done; } > "$work/exec-$view.vc"
  # Warm the lab's rendered outputs and the sessions' host keys once.
  "$vc" -f "$work/get-$view.vc" >/dev/null 2>&1
  echo
  echo "$view on $n devices:"
  run "exec ($view commands)" "$work/exec-$view.vc"
  run "get $view" "$work/get-$view.vc"
  awk -v a="$(cat "$work/exec ($view commands).t")" -v b="$(cat "$work/get $view.t")" 'BEGIN {
    split(a, x, " "); split(b, y, " ")
    printf "  get %s costs %+.1f%% wall, %+.1f%% CPU next to exec\n", "'"$view"'", (y[1] / x[1] - 1) * 100, ((y[2] + y[3]) / (x[2] + x[3]) - 1) * 100
  }'
done
