#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmarks vtpmd against swtpm in the same run, interleaved (release build).
# Usage: scripts/bench.sh [extra vtpm bench options, e.g. --iterations 50000]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v swtpm >/dev/null || { echo "bench: swtpm is not installed (apt-get install swtpm)" >&2; exit 1; }

swift build -c release --product vtpmd
swift build -c release --product vtpm

free_pair() {
    python3 - <<'PY'
import socket
for _ in range(200):
    a = socket.socket(); a.bind(("127.0.0.1", 0)); p = a.getsockname()[1]
    b = socket.socket()
    try:
        b.bind(("127.0.0.1", p + 1)); print(p); break
    except OSError:
        pass
    finally:
        a.close(); b.close()
PY
}

# Every process on one CPU (BENCH_CPUS): on these VMs a wake-up across vCPUs sometimes costs ~45 us instead
# of ~1, and which server lands in that mode is chance, so unpinned runs report 4x or 0.25x at random.
cpus=${BENCH_CPUS:-0}

work=$(mktemp -d)
mkdir -p "$work/swtpm"
swtpm_port=$(free_pair)
taskset -c "$cpus" swtpm socket --tpm2 --tpmstate dir="$work/swtpm" --server type=tcp,port="$swtpm_port" \
    --ctrl type=tcp,port=$((swtpm_port + 1)) --flags not-need-init &
swtpm_pid=$!
vtpmd_port=$(free_pair)
mssim_port=$(free_pair)
taskset -c "$cpus" .build/release/vtpmd --state-dir "$work/vtpmd" --swtpm-port "$vtpmd_port" --mssim-port "$mssim_port" \
    --log-level warning &
vtpmd_pid=$!
trap 'kill $swtpm_pid $vtpmd_pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
for port in "$swtpm_port" "$vtpmd_port"; do
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        sleep 0.1
    done
done

echo "machine: $(nproc) cores, $(uname -srm); $(swtpm --version | head -n1 | grep -o 'version [0-9.]*' | sed 's/version/swtpm/')"
taskset -c "$cpus" .build/release/vtpm bench --target swtpm="$swtpm_port" --target vtpmd="$vtpmd_port" --markdown "$@"
