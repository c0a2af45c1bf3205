# Sourced by the demo and the benchmarks.
#
#   lab_start VC N DIR [vc lab flags...]  a lab of N devices in the
#                        background; returns once every part of it is ready,
#                        with its inventory in DIR/lab.csv and its logs in
#                        DIR/lab-partK.log
#   lab_store VC INVENTORY  the lab's devices in the store of $VC_HOME, a
#                        vault (VC_VAULT_PASSWORD), the lab's login as the
#                        default credential
#   lab_cpu              CPU seconds the lab took so far
#   lab_stop             stops it (each part logs "lab stopped: ..." first)
#
# A lab runs in as many `vc lab` processes as the file descriptor limit
# asks (lab_shards of them). A device with a session open takes two
# descriptors in the lab (its listener and the session), so 10,000 warm
# devices need more than the usual 20,000 a process may open; past it,
# accept fails and clients time out in the handshake. Each process serves
# one part of the same fleet (VC_LAB_SHARD=K/N): the same names, ports and
# outputs as a single lab.
#
# Its ports are below the ephemeral range, where client sockets in
# TIME-WAIT cannot block a listener; a range another process holds a port
# of is tried elsewhere.
#
# The lab builds every device's model (its fabric, ARP and MAC tables)
# before it says ready, as a real device has its tables at hand, so that a
# client's first exec is not measured with the lab drawing ten thousand
# fabrics on the cores it shares; LAB_PREWARM=0 leaves that to each
# device's first session, as `vc lab` does by default.
lab_pids=()
lab_shards=0

lab_start() {
  local vc=$1 n=$2 dir=$3 try
  shift 3
  # The ports stay below the ephemeral range (32768 on).
  if [ "$n" -ge 21000 ]; then
    echo "lab_start: $n devices do not fit ports 11000-32000" >&2
    return 1
  fi
  for try in 1 2 3 4 5; do
    lab_try "$vc" "$n" "$dir" $((11000 + RANDOM % (32000 - 11000 - n))) "$@" && return 0
  done
  cat "$dir"/lab-part*.log >&2
  return 1
}

# lab_try VC N DIR PORT [flags...]: one attempt on one range of ports.
lab_try() {
  local vc=$1 n=$2 dir=$3 port=$4 limit shards k
  shift 4
  limit=$(ulimit -n)
  [ "$limit" = unlimited ] && limit=1048576
  shards=$(( (2 * n + 64 + limit - 101) / (limit - 100) ))
  [ "$shards" -lt 1 ] && shards=1
  rm -f "$dir"/lab-part*.log "$dir"/lab-part*.csv
  lab_pids=()
  for ((k = 1; k <= shards; k++)); do
    VC_LAB_SHARD=$k/$shards VC_LAB_PREWARM=${LAB_PREWARM:-1} "$vc" lab --devices "$n" --port "$port" \
      --inventory "$dir/lab-part$k.csv" "$@" 2>"$dir/lab-part$k.log" &
    lab_pids+=($!)
  done
  for ((k = 1; k <= shards; k++)); do
    for _ in $(seq 600); do
      grep -q "lab ready" "$dir/lab-part$k.log" 2>/dev/null && break
      kill -0 "${lab_pids[k-1]}" 2>/dev/null || break
      sleep 0.1
    done
    grep -q "lab ready" "$dir/lab-part$k.log" 2>/dev/null || { lab_stop; return 1; }
  done
  head -1 "$dir/lab-part1.csv" > "$dir/lab.csv"
  for ((k = 1; k <= shards; k++)); do tail -n +2 "$dir/lab-part$k.csv" >> "$dir/lab.csv"; done
  lab_shards=$shards
}

lab_store() {
  local out
  out=$("$1" device import "$2" 2>&1) || { echo "$out" >&2; return 1; }
  out=$("$1" vault init 2>&1) || { echo "$out" >&2; return 1; }
  out=$(printf 'admin\n' | "$1" cred add lab --user admin --password-stdin --default 2>&1) || { echo "$out" >&2; return 1; }
}

lab_cpu() {
  local ticks total=0 pid
  ticks=$(getconf CLK_TCK)
  for pid in "${lab_pids[@]}"; do
    total=$(( total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat") ))
  done
  awk -v t="$total" -v k="$ticks" 'BEGIN { printf "%.2f", t / k }'
}

lab_stop() {
  local pid
  for pid in "${lab_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${lab_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  lab_pids=()
}
