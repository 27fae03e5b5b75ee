// SPDX-License-Identifier: Apache-2.0

// Round-trip latency of TPM2_GetRandom(32) over a kept-open connection, through TPMSocketClient.
// Not a test: run a release build against vtpmd and against swtpm on the same machine.
//
//   TransportBenchmark <swtpm|mssim> <port> [iterations] [host]
//
// swtpm: raw commands on the data port. mssim: TPM_SEND_COMMAND on the command port (platform port + 1
// gets POWER_ON first). TPM2_Startup is sent first; its result is ignored (the TPM may be started already).

import TPMTransports
import VTPMManager

#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
guard arguments.count >= 3, let port = Int(arguments[2]), ["swtpm", "mssim", "engine"].contains(arguments[1]) else {
    print("usage: TransportBenchmark <swtpm|mssim|engine> <port> [iterations] [host]")
    exit(2)
}
let iterations = arguments.count > 3 ? Int(arguments[3]) ?? 10_000 : 10_000
let host = arguments.count > 4 ? arguments[4] : "127.0.0.1"
let startup: [UInt8] = [0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x44, 0, 0]
let getRandom: [UInt8] = [0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x7B, 0, 32]
// With BENCH_BAD_TAG set, a command every TPM rejects at once (TPM_RC_BAD_TAG): the transport's own cost.
let badTag = ProcessInfoLite.environment("BENCH_BAD_TAG") != nil
let measured: [UInt8] = badTag ? [0x00, 0x00, 0, 0, 0, 12, 0, 0, 0x01, 0x7B, 0, 32] : getRandom
let expectedSize = badTag ? 10 : 44

do {
    let send: ([UInt8]) throws -> [UInt8]
    if arguments[1] == "engine" {
        // The instance alone, in-process and in memory: what the transport adds is the rest.
        let instance = try InstanceManager(stateDirectory: nil).open(InstanceID(0))
        send = { instance.execute($0) ?? [] }
    } else if arguments[1] == "mssim" {
        let client = try TPMSocketClient(host: host, port: port)
        let platform = try TPMSocketClient(host: host, port: port + 1)
        _ = try platform.mssimPlatform(1)
        platform.close()
        send = { try client.mssimSend($0) }
    } else {
        let client = try TPMSocketClient(host: host, port: port)
        send = { try client.swtpmSend($0) }
    }
    _ = try send(startup)
    for _ in 0..<1_000 { _ = try send(measured) }

    var samples: [Duration] = []
    samples.reserveCapacity(iterations)
    let clock = ContinuousClock()
    for _ in 0..<iterations {
        let start = clock.now
        let response = try send(measured)
        samples.append(clock.now - start)
        guard response.count == expectedSize else {
            print("unexpected response of \(response.count) bytes")
            exit(1)
        }
    }
    samples.sort()
    func microseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
    }
    func percentile(_ p: Double) -> Double {
        microseconds(samples[min(samples.count - 1, Int(p * Double(samples.count)))])
    }
    let mean = samples.map(microseconds).reduce(0, +) / Double(samples.count)
    let line = "\(arguments[1]) port \(port): \(iterations) × \(badTag ? "bad tag" : "GetRandom(32)"): "
        + "median \(percentile(0.5)) µs, p90 \(percentile(0.9)) µs, p99 \(percentile(0.99)) µs, mean \(mean) µs"
    print(line)
} catch {
    print("benchmark failed: \(error)")
    exit(1)
}

/// getenv without Foundation.
enum ProcessInfoLite {
    static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
