#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer target over the engine's command entry point and runs it for a bounded time.
# Usage: scripts/fuzz.sh [seconds]   (default 60). Fails on any crash, hang or malformed response.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"

runtime=$(find "$(dirname "$(dirname "$(command -v swiftc)")")" -name 'libclang_rt.fuzzer_no_main-x86_64.a' | head -n 1)
[ -n "$runtime" ] || { echo "fuzz: libclang_rt.fuzzer_no_main not found in the Swift toolchain" >&2; exit 1; }

# Coverage instrumentation without libFuzzer's own main: SwiftPM names the entry point itself, so the
# target's @main starts libFuzzer through LLVMFuzzerRunDriver (see Sources/TPMEngineFuzz).
swift build -c release --product TPMEngineFuzz --scratch-path .build-fuzz \
    -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
    -Xswiftc -DFUZZING -Xlinker "$runtime" -Xlinker -lstdc++

corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
# Seeds: every command of the swtpm oracle fixture, each behind a flags byte (locality 0, already started).
python3 - "$corpus" <<'PY'
import json, sys
data = json.load(open("Tests/TPMEngineTests/Fixtures/swtpm-oracle.json"))
n = 0
for steps in data["sequences"].values():
    for step in steps:
        if "command" in step:
            open(f"{sys.argv[1]}/seed{n:04d}", "wb").write(b"\x00" + bytes.fromhex(step["command"]))
            n += 1
print(f"fuzz: {n} seeds")
PY
mkdir -p fuzz-artifacts
.build-fuzz/release/TPMEngineFuzz -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix=fuzz-artifacts/ -print_final_stats=1 "$corpus"
echo "fuzz: no crash, hang or malformed response in ${seconds}s"
