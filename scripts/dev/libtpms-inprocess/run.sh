#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds and runs the libtpms in-process baseline (needs a C compiler and libtpms0, which swtpm pulls in).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lib=$(ls /usr/lib/*/libtpms.so.0 2>/dev/null | head -n1) || true
[ -n "$lib" ] || { echo "libtpms-inprocess: libtpms.so.0 not found (apt-get install libtpms0)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/bench" "$here/bench.c" "$lib"
# libtpms keeps its NVChip file in the working directory, so run it in the scratch one.
cd "$work" && TPM_PATH="$work" ./bench
