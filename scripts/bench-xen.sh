#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmarks the Xen split driver (release build): TPM2_GetRandom(32) from an application through a guest's
# tpmfront -> tpmif ring -> tpmback -> manager -> TPM and back, guest and dom0 in separate processes, side by
# side with the same command to swtpm and to vtpmd over the swtpm TCP protocol in the same run. Two guest paths:
# xen-in-guest, the application and tpmfront in one process (as an application and its kernel's driver), and
# xen-device-socket, the application in a third process talking to `vtpm xen front`'s device socket. Then two
# guests at once, 1000 commands each, every answer checked.
# Usage: scripts/bench-xen.sh [extra vtpm bench options, e.g. --iterations 50000]
#   BENCH_CPUS (default 0): the CPUs every process is pinned to (see scripts/bench.sh).
#   BENCH_SCRATCH (default .build): the build folder.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in swtpm socat; do
    command -v "$tool" >/dev/null || { echo "bench-xen: $tool is not installed (apt-get install $tool)" >&2; exit 1; }
done
scratch=${BENCH_SCRATCH:-.build}
swift build -c release --scratch-path "$scratch" --product vtpmd
swift build -c release --scratch-path "$scratch" --product vtpm
bin="$scratch/release"
cpus=${BENCH_CPUS:-0}

work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.1; done; }

mkdir -p "$work/swtpm"
swtpm_port=$(free_port)
taskset -c "$cpus" swtpm socket --tpm2 --tpmstate dir="$work/swtpm" --server type=tcp,port="$swtpm_port" \
    --ctrl type=tcp,port=$((swtpm_port + 1)) --flags not-need-init &
pids+=($!)
vtpmd_port=$(free_port)
xs="$work/xs.sock"
taskset -c "$cpus" "$bin/vtpmd" --state-dir "$work/vtpmd" --xen --xenstore-socket "$xs" --swtpm-port "$vtpmd_port" \
    --mssim-port 0 --log-level warning &
pids+=($!)
wait_port "$swtpm_port"
wait_port "$vtpmd_port"
for _ in $(seq 100); do [ -S "$xs.manager" ] && break; sleep 0.1; done

for domid in 1 2; do
    "$bin/vtpm" xen attach --xenstore-socket "$xs" --domid "$domid" --name "bench$domid" >/dev/null
    taskset -c "$cpus" "$bin/vtpm" xen front --xenstore-socket "$xs" --domid "$domid" --device "$work/tpm$domid" \
        --log-level warning &
    pids+=($!)
done
for domid in 1 2; do
    for _ in $(seq 100); do [ -S "$work/tpm$domid" ] && break; sleep 0.1; done
done
# Domain 3's tpmfront runs inside the benchmark process (the application calls the driver directly, as it
# calls its kernel's driver through /dev/tpm0 in a real guest).
"$bin/vtpm" xen attach --xenstore-socket "$xs" --domid 3 --name bench3 >/dev/null

echo "machine: $(nproc) cores, $(uname -srm); $(swtpm --version | head -n1 | grep -o 'version [0-9.]*' | sed 's/version/swtpm/')"
taskset -c "$cpus" "$bin/vtpm" bench --target swtpm="$swtpm_port" --target vtpmd-tcp="$vtpmd_port" \
    --target xen-in-guest="xen:$xs,3" --target xen-device-socket="unix:$work/tpm1" --only GetRandom --markdown "$@"
echo
taskset -c "$cpus" "$bin/vtpm" bench --parallel --iterations 1000 --warmup 0 --only GetRandom --markdown \
    --target guest1="unix:$work/tpm1" --target guest2="unix:$work/tpm2"
