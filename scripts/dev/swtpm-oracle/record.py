#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Records swtpm's answers to the command sequence in cases.py.

swtpm (libtpms) is our independent oracle: the engine tests replay the same bytes and must produce the
same responses (exactly, or the same code and length where the value is random or time-dependent).
Run from the repository root:  python3 scripts/dev/swtpm-oracle/record.py
It starts its own swtpm on a free loopback port with a fresh state directory.
"""
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cases import SEQUENCES  # noqa: E402

OUT = "Tests/TPMEngineTests/Fixtures/swtpm-oracle.json"


def free_port_pair():
    for _ in range(100):
        a = socket.socket()
        a.bind(("127.0.0.1", 0))
        port = a.getsockname()[1]
        b = socket.socket()
        try:
            b.bind(("127.0.0.1", port + 1))
            return port, (a, b)
        except OSError:
            a.close()
            b.close()
    raise SystemExit("no free port pair")


def exchange(port, command):
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(command)
        data = b""
        while len(data) < 10 or len(data) < struct.unpack(">I", data[2:6])[0]:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        return data


def control(port, code, payload=b""):
    """One swtpm control-channel command (tpm_ioctl.h); returns the reply bytes."""
    with socket.create_connection(("127.0.0.1", port + 1)) as s:
        s.sendall(struct.pack(">I", code) + payload)
        return s.recv(4096)


CMD_INIT, CMD_SET_LOCALITY = 0x02, 0x05


def record(cases):
    with tempfile.TemporaryDirectory() as state:
        port, sockets = free_port_pair()
        for s in sockets:
            s.close()
        proc = subprocess.Popen(["swtpm", "socket", "--tpm2", "--tpmstate", f"dir={state}",
                                 "--server", f"type=tcp,port={port}", "--ctrl", f"type=tcp,port={port + 1}",
                                 "--flags", "not-need-init"])
        try:
            for _ in range(50):
                try:
                    socket.create_connection(("127.0.0.1", port)).close()
                    break
                except OSError:
                    time.sleep(0.1)
            rows = []
            for name, mode, command in cases:
                if mode == "init":
                    reply = control(port, CMD_INIT, struct.pack(">I", 0))
                    assert reply == b"\0\0\0\0", reply
                    rows.append({"name": name, "compare": "init"})
                elif mode == "locality":
                    reply = control(port, CMD_SET_LOCALITY, bytes([command]))
                    assert reply == b"\0\0\0\0", reply
                    rows.append({"name": name, "compare": "locality", "locality": command})
                else:
                    response = exchange(port, command)
                    rows.append({"name": name, "compare": mode, "command": command.hex(), "response": response.hex()})
            return rows
        finally:
            proc.terminate()
            proc.wait()


def main():
    version = subprocess.run(["swtpm", "--version"], capture_output=True, text=True).stdout.strip()
    sequences = {name: record(cases) for name, cases in SEQUENCES.items()}
    with open(OUT, "w") as f:
        json.dump({"oracle": version, "libtpms": "Debian 12 libtpms0 0.9.2", "sequences": sequences}, f, indent=1)
        f.write("\n")
    print(f"wrote {sum(len(v) for v in sequences.values())} steps to {OUT}")


if __name__ == "__main__":
    main()
