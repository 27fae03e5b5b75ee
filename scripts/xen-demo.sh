#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Xen vTPM split driver in one command: vtpmd --xen (xenstored, hypervisor stand-in, vTPM manager, tpmback)
# and two guests' tpmfront as separate processes; tpm2-tools in each guest talk to that guest's own TPM.
# Needs tpm2-tools, socat and libtss2-tcti-cmd0 (scripts/test.sh installs them). VTPM_SCRATCH: build folder;
# VTPM_CONFIGURATION=debug uses the debug build (the test command does, after its build).
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in tpm2_startup socat; do
    command -v "$tool" >/dev/null || { echo "xen-demo: $tool is missing (apt-get install tpm2-tools socat libtss2-tcti-cmd0)" >&2; exit 1; }
done
scratch=${VTPM_SCRATCH:-.build}
configuration=${VTPM_CONFIGURATION:-release}
echo "building ($configuration)..."
swift build -c "$configuration" --scratch-path "$scratch" --product vtpmd >/dev/null
swift build -c "$configuration" --scratch-path "$scratch" --product vtpm >/dev/null
bin="$scratch/$configuration"

work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
xs="$work/xs.sock"
"$bin/vtpmd" --state-dir "$work/state" --xen --xenstore-socket "$xs" --mssim-port 0 --swtpm-port 0 \
    --log-level warning &
pids+=($!)
for _ in $(seq 100); do [ -S "$xs.manager" ] && break; sleep 0.1; done

say() { printf '%s\n' "$*"; }
say ""
say "== Xen vTPM split driver =="
say "dom0: vtpmd --xen (pid ${pids[0]}): xenstored at $xs, hypervisor, vTPM manager, tpmback"
declare -A instance
for domid in 1 2; do
    line=$("$bin/vtpm" xen attach --xenstore-socket "$xs" --domid "$domid" --name "guest$domid")
    instance[$domid]=$(printf '%s' "$line" | grep -o 'instance [0-9]*' | grep -o '[0-9]*')
    "$bin/vtpm" xen front --xenstore-socket "$xs" --domid "$domid" --device "$work/tpm$domid" --log-level warning &
    pids+=($!)
    say "guest$domid: domain $domid, tpmfront pid $! at $work/tpm$domid -> vTPM instance ${instance[$domid]}"
done
for domid in 1 2; do
    for _ in $(seq 100); do [ -S "$work/tpm$domid" ] && break; sleep 0.1; done
done

in_guest() {
    local domid=$1; shift
    TPM2TOOLS_TCTI="cmd:socat - UNIX-CONNECT:$work/tpm$domid" "$@"
}
say ""
for domid in 1 2; do
    digest=$(printf 'measured by guest%s' "$domid" | sha256sum | cut -d' ' -f1)
    in_guest "$domid" tpm2_startup -c
    in_guest "$domid" tpm2_pcrextend "16:sha256=$digest"
    say "guest$domid\$ tpm2_pcrextend 16:sha256=${digest:0:16}..."
done
say ""
declare -A pcr
for domid in 1 2; do
    pcr[$domid]=$(in_guest "$domid" tpm2_pcrread sha256:16 | grep -o '0x[0-9A-F]*')
    say "guest$domid\$ tpm2_pcrread sha256:16   -> ${pcr[$domid]}"
    say "guest$domid\$ tpm2_getrandom --hex 8   -> $(in_guest "$domid" tpm2_getrandom --hex 8)"
done
say ""
say "xenstore (vtpm xen list):"
"$bin/vtpm" xen list --xenstore-socket "$xs"
say ""
if [ "${pcr[1]}" != "${pcr[2]}" ] && [ "${instance[1]}" != "${instance[2]}" ]; then
    say "result: each guest has its own TPM (instances ${instance[1]} and ${instance[2]}, different PCR 16)."
else
    say "result: FAILED, the guests do not have separate TPMs" >&2
    exit 1
fi
