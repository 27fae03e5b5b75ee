#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The project's one test command (README, .ci/run): installs what the tests need on a fresh Debian
# machine, builds, runs every test suite (unit, engine, swtpm oracle, xenstored oracle, transports,
# integration with real tpm2-tools and swtpm) and a bounded fuzzing run.
#   FUZZ_SECONDS=60 (default) sets the fuzzing time; FUZZ_SECONDS=0 skips fuzzing.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s ==\n' "$*"; }

step "tools"
packages=()
command -v tpm2_startup >/dev/null || packages+=(tpm2-tools)
command -v swtpm >/dev/null || packages+=(swtpm)
command -v swtpm_ioctl >/dev/null || packages+=(swtpm-tools)
command -v python3 >/dev/null || packages+=(python3)
command -v openssl >/dev/null || packages+=(openssl)
command -v sha384sum >/dev/null || packages+=(coreutils)
command -v xenstore-read >/dev/null || packages+=(xenstore-utils)
command -v socat >/dev/null || packages+=(socat)
command -v gcc >/dev/null || packages+=(gcc)
command -v dpkg-deb >/dev/null || packages+=(dpkg)
ldconfig -p | grep -q 'libtss2-tcti-mssim.so.0' || packages+=(libtss2-tcti-mssim0)
ldconfig -p | grep -q 'libtss2-tcti-swtpm.so.0' || packages+=(libtss2-tcti-swtpm0)
# The Xen guests' TPM devices are unix sockets, reached by tpm2-tools through the cmd TCTI and socat.
ldconfig -p | grep -q 'libtss2-tcti-cmd.so.0' || packages+=(libtss2-tcti-cmd0)
if [ ${#packages[@]} -gt 0 ]; then
    echo "installing: ${packages[*]}"
    if [ "$(id -u)" -eq 0 ]; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq "${packages[@]}"
    else
        echo "test: missing ${packages[*]}; run as root or install them" >&2
        exit 1
    fi
fi
# XenStoreOracleTests run Debian's own xenstored, fetched once with `apt-get download xen-utils-4.17` into
# ${TMPDIR:-/tmp}/vtpm-xenstored-oracle (never installed): the package lists must know it.
if [ ! -d "${TMPDIR:-/tmp}/vtpm-xenstored-oracle/root/usr/lib/xen-4.17" ] \
    && ! apt-cache show xen-utils-4.17 >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update -qq
    else
        echo "test: apt-get cannot find xen-utils-4.17; run apt-get update as root" >&2
        exit 1
    fi
fi
tpm2_startup --version | head -n 1
dpkg-query -W -f='xenstore-utils ${Version}\n' xenstore-utils
swtpm --version | head -n 1

step "build"
swift build --build-tests

step "tests"
swift test --skip-build

step "xen demo (scripts/xen-demo.sh on the debug build)"
VTPM_CONFIGURATION=debug scripts/xen-demo.sh

if [ "${FUZZ_SECONDS:-60}" != "0" ]; then
    step "fuzzing (${FUZZ_SECONDS:-60}s)"
    scripts/fuzz.sh "${FUZZ_SECONDS:-60}"
fi

step "all tests passed"
