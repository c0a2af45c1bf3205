# Sourced by the demo and the benchmarks.

# start_lab VC LOG INVENTORY [vc lab flags...]: a lab in the background,
# its pid in lab_pid, once it says it is ready. Its ports are below the
# ephemeral range, where client sockets in TIME-WAIT cannot block a
# listener; a range another process holds a port of is tried elsewhere.
start_lab() {
  local vc=$1 log=$2 inv=$3 port
  shift 3
  lab_pid=
  for _ in 1 2 3 4 5; do
    port=$((11000 + RANDOM % 20000))
    "$vc" lab --port "$port" --inventory "$inv" "$@" 2>"$log" &
    lab_pid=$!
    for _ in $(seq 600); do
      grep -q "lab ready" "$log" 2>/dev/null && return 0
      kill -0 "$lab_pid" 2>/dev/null || break
      sleep 0.1
    done
    wait "$lab_pid" 2>/dev/null || true
    lab_pid=
  done
  cat "$log" >&2
  return 1
}

# lab_store VC INVENTORY: the lab's devices in the store of $VC_HOME, a
# vault (VC_VAULT_PASSWORD), and the lab's login as the default credential.
lab_store() {
  "$1" device import "$2" >/dev/null 2>&1
  "$1" vault init >/dev/null 2>&1
  printf 'admin\n' | "$1" cred add lab --user admin --password-stdin --default >/dev/null 2>&1
}
