# Sourced by the bench scripts: a lab of N devices in as many `vc lab`
# processes as the file descriptor limit asks. A device with a session
# open takes two descriptors in the lab (its listener and the session),
# so 10,000 warm devices need more than the usual 20,000 a process may
# open; past it, accept fails and clients time out in the handshake. Each
# process serves one part of the same fleet (VC_LAB_SHARD=K/N): the same
# names, ports and outputs as a single lab.
#
# The lab builds every device's model (its fabric, ARP and MAC tables)
# before it says ready, as a real device has its tables at hand, so that
# a client's first exec is not measured with the lab drawing ten thousand
# fabrics on the cores it shares; LAB_PREWARM=0 leaves that to each
# device's first session, as `vc lab` does by default.
#
#   lab_start VC N PORT PLATFORMS DIR   starts it, waits until every part
#                                       is ready, writes DIR/lab.csv
#   lab_cpu                             CPU seconds the lab took so far
#   lab_stop                            stops it
lab_pids=()

lab_start() {
  local vc=$1 n=$2 port=$3 platforms=$4 dir=$5
  local limit shards k
  limit=$(ulimit -n)
  [ "$limit" = unlimited ] && limit=1048576
  shards=$(( (2 * n + 64 + limit - 101) / (limit - 100) ))
  [ "$shards" -lt 1 ] && shards=1
  lab_pids=()
  for ((k = 1; k <= shards; k++)); do
    VC_LAB_SHARD=$k/$shards VC_LAB_PREWARM=${LAB_PREWARM:-1} "$vc" lab --devices "$n" --port "$port" --platforms "$platforms" \
      --inventory "$dir/lab-part$k.csv" 2>"$dir/lab-part$k.log" &
    lab_pids+=($!)
  done
  for ((k = 1; k <= shards; k++)); do
    for _ in $(seq 300); do
      grep -q "lab ready" "$dir/lab-part$k.log" 2>/dev/null && break
      kill -0 "${lab_pids[k-1]}" 2>/dev/null || break
      sleep 0.1
    done
    grep -q "lab ready" "$dir/lab-part$k.log" 2>/dev/null || { cat "$dir/lab-part$k.log" >&2; lab_stop; return 1; }
  done
  head -1 "$dir/lab-part1.csv" > "$dir/lab.csv"
  for ((k = 1; k <= shards; k++)); do tail -n +2 "$dir/lab-part$k.csv" >> "$dir/lab.csv"; done
  lab_shards=$shards
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
