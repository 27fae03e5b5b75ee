// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Dispatch
import Foundation
import Logging
import Synchronization
import TPMTransports
import TPMWire
import VTPMManager
import XenSplitDriver

/// `vtpm bench`: the same small commands against several TPMs, interleaved, with medians, p99 and ratios.
///
/// Each target gets one persistent connection on the swtpm data port (or the mssim command port). Rounds
/// alternate between the targets so that machine noise hits them alike; every sample is one round trip.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark TPM round trips, e.g. vtpmd against swtpm (see scripts/bench.sh).",
        discussion: """
            Targets are NAME=[host:]port, the first one is the reference the others are divided by in the
            ratio column, e.g.  vtpm bench --target swtpm=2321 --target vtpmd=2421
            The address "in-process" measures an in-memory instance without any transport, e.g.
            --target engine=in-process; "unix:PATH" a TPM device socket such as a Xen guest's tpmfront
            (vtpm xen front --device PATH), e.g. --target xen=unix:/tmp/tpm1; "xen:SOCKET,DOMID" runs guest
            DOMID's tpmfront inside the benchmark itself, as an application in a guest calls its kernel's
            driver (the vtpm must be attached, and no other frontend may run for that domain). Each target must accept
            TPM2_Startup (or be started already). --parallel runs every target at once, each on its own thread,
            and fails if any command does not succeed (e.g. two guests x 1000 commands).
            """
    )

    @Option(name: .customLong("target"), help: "NAME=[host:]port; give two or more, the first is the reference.")
    var targets: [String]

    @Option(help: "mssim or swtpm protocol on every target.")
    var `protocol`: WireProtocol = .swtpm

    @Option(help: "Round trips per operation and target.")
    var iterations = 20_000

    @Option(help: "Round trips per interleaved round.")
    var roundSize = 500

    @Option(help: "Warm-up round trips per operation and target, not measured.")
    var warmup = 2_000

    @Flag(help: "Print the table as Markdown.")
    var markdown = false

    @Option(help: "Run only the operations whose name contains this text (e.g. PCR_Read).")
    var only: String?

    @Flag(help: "Run all targets at the same time, each on its own thread; every answer must be a success.")
    var parallel = false

    @Option(help: "Which operations: basic (small commands), keys (key creation, signing, attestation) or all.")
    var suite: BenchSuite = .basic

    var operations: [BenchOperation] {
        let chosen =
            switch suite {
            case .basic: BenchOperation.all
            case .keys: BenchOperation.keys
            case .all: BenchOperation.all + BenchOperation.keys
            }
        return chosen.filter { operation in only.map { operation.name.contains($0) } ?? true }
    }

    func validate() throws {
        guard targets.count >= 1 else { throw ValidationError("give at least one --target NAME=[host:]port") }
        guard iterations > 0, roundSize > 0 else { throw ValidationError("iterations and round size must be positive") }
    }

    func run() throws {
        let connections = try targets.map { specification -> (String, BenchTarget) in
            let parts = specification.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2, parts[1] == "in-process" {
                return (parts[0], try BenchTarget(inProcess: ()))
            }
            if parts.count == 2, parts[1].hasPrefix("unix:") {
                return (parts[0], try BenchTarget(device: String(parts[1].dropFirst(5))))
            }
            if parts.count == 2, parts[1].hasPrefix("xen:") {
                let fields = parts[1].dropFirst(4).split(separator: ",").map(String.init)
                guard fields.count == 2, let domid = UInt32(fields[1]) else {
                    throw ValidationError("target '\(specification)' is not NAME=xen:XENSTORE-SOCKET,DOMID")
                }
                return (parts[0], try BenchTarget(xenstoreSocket: fields[0], domid: domid))
            }
            guard parts.count == 2, let endpoint = Endpoint(argument: parts[1]) else {
                throw ValidationError("target '\(specification)' is not NAME=[host:]port or NAME=in-process")
            }
            return (parts[0], try BenchTarget(endpoint: endpoint, protocol: self.protocol))
        }
        for (name, target) in connections {
            let code = try target.startup()
            guard code == 0 || code == 0x100 else {
                throw ValidationError("\(name): TPM2_Startup answered \(TPMRC(rawValue: code))")
            }
        }
        if parallel {
            try runInParallel(connections)
            return
        }
        var rows: [BenchReport.Row] = []
        for operation in operations {
            var runners: [BenchRunner] = []
            for (name, target) in connections {
                let runner = try target.prepare(operation, name: name)
                try target.check(runner, name: operation.name)
                _ = try target.measure(runner, count: operation.warmup(warmup))
                runners.append(runner)
            }
            let total = operation.iterations.map { min($0, iterations) } ?? iterations
            let round = operation.roundSize ?? roundSize
            var samples = Array(repeating: [UInt64](), count: connections.count)
            var done = 0
            while done < total {
                let count = min(round, total - done)
                for (index, (_, target)) in connections.enumerated() {
                    samples[index] += try target.measure(runners[index], count: count, from: done)
                }
                if let pause = operation.pauseAfterRound { Thread.sleep(forTimeInterval: pause.seconds) }
                done += count
            }
            rows.append(
                BenchReport.Row(
                    operation: operation.name,
                    results: zip(connections.map(\.0), samples).map { BenchReport.Result(name: $0, samples: $1) }))
        }
        print(
            BenchReport(rows: rows, iterations: iterations, protocol: self.protocol.rawValue).render(markdown: markdown)
        )
    }
}

extension BenchCommand {
    /// Every target on its own thread at once, `iterations` of each operation, every answer checked.
    func runInParallel(_ connections: [(String, BenchTarget)]) throws {
        var rows: [BenchReport.Row] = []
        for operation in operations {
            let runners = try connections.map { name, target in try target.prepare(operation, name: name) }
            let outcomes = Mutex<[Int: Result<[UInt64], any Error>]>([:])
            let group = DispatchGroup()
            for (index, (_, target)) in connections.enumerated() {
                group.enter()
                let runner = runners[index]
                Thread.detachNewThread { [iterations] in
                    let outcome = Result { try target.measure(runner, count: iterations, checked: true) }
                    outcomes.withLock { $0[index] = outcome }
                    group.leave()
                }
            }
            group.wait()
            var results: [BenchReport.Result] = []
            for (index, (name, _)) in connections.enumerated() {
                guard let outcome = outcomes.withLock({ $0[index] }) else { continue }
                switch outcome {
                case .success(let samples): results.append(BenchReport.Result(name: name, samples: samples))
                case .failure(let error): throw ValidationError("\(name): \(operation.name) failed: \(error)")
                }
            }
            rows.append(BenchReport.Row(operation: operation.name, results: results))
        }
        let report = BenchReport(rows: rows, iterations: iterations, protocol: self.protocol.rawValue)
        print(report.render(markdown: markdown))
        print("parallel: \(connections.count) targets x \(iterations) commands per operation, no errors")
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

enum BenchSuite: String, ExpressibleByArgument, CaseIterable {
    case basic, keys, all
}

/// What the benchmark repeats on one target: the command for iteration i, and a command to send (not timed)
/// after each response, such as flushing the object it created.
struct BenchRunner: Sendable {
    let command: @Sendable (Int) -> [UInt8]
    var cleanup: (@Sendable ([UInt8]) -> [UInt8]?)? = nil
}

/// An operation the benchmark measures. `prepare` runs once per target (for example creating the key an
/// operation signs with) and returns the runner; slow operations cap their iterations and round size.
struct BenchOperation: Sendable {
    let name: String
    var iterations: Int? = nil
    var roundSize: Int? = nil
    /// An untimed pause after each round, for work a server does in the background between requests (the RSA
    /// key pool refilling): it then happens while no server is measured, so it slows neither.
    var pauseAfterRound: Duration? = nil
    let prepare: @Sendable (_ send: ([UInt8]) throws -> [UInt8]) throws -> BenchRunner

    init(
        name: String, iterations: Int? = nil, roundSize: Int? = nil, pauseAfterRound: Duration? = nil,
        prepare: @escaping @Sendable (_ send: ([UInt8]) throws -> [UInt8]) throws -> BenchRunner
    ) {
        self.name = name
        self.iterations = iterations
        self.roundSize = roundSize
        self.pauseAfterRound = pauseAfterRound
        self.prepare = prepare
    }

    /// A fixed command.
    init(name: String, command: [UInt8]) {
        self.init(name: name) { _ in BenchRunner(command: { _ in command }) }
    }

    /// Warm-up round trips: a tenth of the measured ones for capped (slow) operations.
    func warmup(_ requested: Int) -> Int {
        iterations.map { max(1, min(requested, $0 / 10)) } ?? requested
    }

    static func build(_ tag: TPMST, _ code: TPMCC, _ body: (inout TPMWriter) -> Void) -> [UInt8] {
        var writer = TPMWriter()
        tag.marshal(into: &writer)
        writer.writeInteger(UInt32(0))
        code.marshal(into: &writer)
        body(&writer)
        writer.setUInt32(UInt32(writer.count), at: 2)
        return writer.bytes
    }

    static let all: [BenchOperation] = [
        BenchOperation(name: "GetRandom(32)", command: build(.noSessions, .getRandom) { $0.writeInteger(UInt16(32)) }),
        BenchOperation(
            name: "PCR_Extend(SHA-256)",
            command: build(.sessions, .pcrExtend) { writer in
                TPMHandle.pcr(16).marshal(into: &writer)
                let session = TPMSAuthCommand.password().marshalled()
                writer.writeInteger(UInt32(session.count))
                writer.writeBytes(session)
                (try? TPMLDigestValues([TPMTHA(hashAlg: .sha256, digest: [UInt8](repeating: 0x5A, count: 32))]))?
                    .marshal(into: &writer)
            }),
        BenchOperation(
            name: "PCR_Read(SHA-256, 1 PCR)",
            command: build(.noSessions, .pcrRead) { writer in
                (try? TPMLPCRSelection([TPMSPCRSelection(hash: .sha256, pcrs: [16])]))?.marshal(into: &writer)
            }),
        BenchOperation(
            name: "Hash(1 KiB, SHA-256)",
            command: build(.noSessions, .hash) { writer in
                (try? TPM2BMaxBuffer([UInt8](repeating: 0xA5, count: 1024)))?.marshal(into: &writer)
                TPMIAlgHash.sha256.marshal(into: &writer)
                TPMHandle.null.marshal(into: &writer)
            }),
    ]
}

/// One TPM under test, over one persistent connection, or an in-memory instance.
///
/// Unchecked Sendable: a target is only ever used by one thread at a time (the main thread, or its own thread
/// in a parallel run), so its connection is never shared.
final class BenchTarget: @unchecked Sendable {
    private let transmit: ([UInt8]) throws -> [UInt8]

    /// One command to its final answer: TPM_RC_RETRY (libtpms answers it now and then to ECDSA signing) is
    /// sent again, as tpm2-tss does, and the time counts.
    private func roundTrip(_ command: [UInt8]) throws -> [UInt8] {
        var response = try transmit(command)
        var attempts = 1
        while Self.responseCode(response) == TPMRC.retry.rawValue, attempts < 10 {
            response = try transmit(command)
            attempts += 1
        }
        return response
    }

    init(endpoint: Endpoint, protocol wire: WireProtocol) throws {
        let client = try TPMSocketClient(host: endpoint.host, port: endpoint.port)
        transmit =
            switch wire {
            case .mssim: { try client.mssimSend($0) }
            case .swtpm: { try client.swtpmSend($0) }
            }
    }

    /// An instance in this process with in-memory state: the engine's own cost, no transport.
    init(inProcess: Void) throws {
        let instance = try InstanceManager(stateDirectory: nil).open(InstanceID(0))
        transmit = { instance.execute($0) ?? [] }
    }

    /// A TPM device socket (a guest's tpmfront): one whole command written, one whole response read.
    init(device path: String) throws {
        let socket = try UnixSocket.connect(to: path, kind: .stream)
        transmit = { command in
            try socket.send(command)
            var response: [UInt8] = []
            repeat {
                let chunk = try socket.receive(capacity: 65536).bytes
                guard !chunk.isEmpty else { throw ValidationError("\(path) closed the connection") }
                response += chunk
            } while response.count < 10 || response.count < response[2..<6].reduce(0, { $0 << 8 | Int($1) })
            return response
        }
    }

    /// Guest `domid`'s tpmfront in this process: commands go straight into the ring, as an application's write
    /// to /dev/tpm0 goes into the guest kernel's driver.
    init(xenstoreSocket: String, domid: UInt32) throws {
        let domain = try HypervisorClient(
            socketPath: HypervisorServer.defaultSocketPath(forXenStore: xenstoreSocket), domid: domid)
        let xenstore =
            if let own = domain.takeXenStoreConnection() {
                try XenStoreClient(connection: own)
            } else {
                try XenStoreClient(socketPath: xenstoreSocket)
            }
        let frontend = try TPMFrontend(
            xenstore: xenstore, domain: domain,
            logger: Logger(label: "vtpm.bench.front"))
        try frontend.start { _ in }
        transmit = { try frontend.transmit($0) }
    }

    /// TPM2_Startup(CLEAR); returns the response code.
    func startup() throws -> UInt32 {
        Self.responseCode(try roundTrip([0x80, 0x01, 0, 0, 0, 0x0C, 0, 0, 0x01, 0x44, 0, 0]))
    }

    func prepare(_ operation: BenchOperation, name: String) throws -> BenchRunner {
        do {
            return try operation.prepare { try self.roundTrip($0) }
        } catch {
            throw ValidationError("\(name): preparing \(operation.name) failed: \(error)")
        }
    }

    func check(_ runner: BenchRunner, name: String) throws {
        let response = try roundTrip(runner.command(-1))
        let code = Self.responseCode(response)
        guard code == 0 else {
            throw ValidationError("\(name) answered \(TPMRC(rawValue: code))")
        }
        if let cleanup = runner.cleanup?(response) { _ = try roundTrip(cleanup) }
    }

    /// Nanoseconds of each of `count` round trips (iterations `first` ..< `first + count`).
    func measure(_ runner: BenchRunner, count: Int, from first: Int = 0, checked: Bool = false) throws -> [UInt64] {
        var samples: [UInt64] = []
        samples.reserveCapacity(count)
        let clock = ContinuousClock()
        for index in first..<(first + count) {
            let command = runner.command(index)
            let start = clock.now
            let response = try roundTrip(command)
            let elapsed = start.duration(to: clock.now).components
            if checked, Self.responseCode(response) != 0 {
                throw ValidationError("answered \(TPMRC(rawValue: Self.responseCode(response)))")
            }
            samples.append(UInt64(elapsed.seconds) * 1_000_000_000 + UInt64(elapsed.attoseconds / 1_000_000_000))
            if let cleanup = runner.cleanup?(response) { _ = try roundTrip(cleanup) }
        }
        return samples
    }

    static func responseCode(_ response: [UInt8]) -> UInt32 {
        guard response.count >= 10 else { return UInt32.max }
        return response[6..<10].reduce(0) { $0 << 8 | UInt32($1) }
    }
}

/// The results table.
struct BenchReport {
    struct Result {
        let name: String
        let median: Double
        let p99: Double

        init(name: String, samples: [UInt64]) {
            let sorted = samples.sorted()
            self.name = name
            median = Double(sorted[sorted.count / 2]) / 1000
            p99 = Double(sorted[min(sorted.count - 1, sorted.count * 99 / 100)]) / 1000
        }
    }

    struct Row {
        let operation: String
        let results: [Result]
    }

    let rows: [Row]
    let iterations: Int
    let `protocol`: String

    func render(markdown: Bool) -> String {
        guard let names = rows.first?.results.map(\.name) else { return "" }
        var header = ["operation"]
        for name in names {
            header += ["\(name) median µs", "\(name) p99 µs"]
        }
        for name in names.dropFirst() {
            header.append("\(name)/\(names[0]) median")
        }
        var lines = [header]
        for row in rows {
            var line = [row.operation]
            for result in row.results {
                line += [Self.format(result.median), Self.format(result.p99)]
            }
            for result in row.results.dropFirst() {
                line.append(Self.format(result.median / row.results[0].median, digits: 2) + "×")
            }
            lines.append(line)
        }
        let title =
            "\(iterations) round trips per operation and target, \(self.protocol) protocol, persistent connection"
        if markdown {
            var text = [
                title, "", "| " + lines[0].joined(separator: " | ") + " |",
                "|" + String(repeating: " --- |", count: lines[0].count),
            ]
            text += lines.dropFirst().map { "| " + $0.joined(separator: " | ") + " |" }
            return text.joined(separator: "\n")
        }
        let widths = (0..<lines[0].count).map { column in lines.map { $0[column].count }.max() ?? 0 }
        let body = lines.map { line in
            zip(line, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
        }
        return ([title] + body).joined(separator: "\n")
    }

    /// One decimal, two below 10 µs (in-process times, where 0.1 µs is a tenth of the whole).
    static func format(_ value: Double, digits: Int? = nil) -> String {
        let digits = digits ?? (value < 10 ? 2 : 1)
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        return "\(rounded)"
    }
}
