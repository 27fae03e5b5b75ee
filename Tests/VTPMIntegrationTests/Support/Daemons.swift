// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing

/// How a client reaches a TPM: the two socket protocols tpm2-tss speaks.
enum TCTI: String, CaseIterable, CustomStringConvertible, Sendable {
    case mssim, swtpm
    var description: String { rawValue }
}

/// A TPM reachable by tpm2-tools: its ports and the TCTI string for each protocol.
protocol TPMServer: AnyObject {
    var mssimPort: UInt16? { get }
    var swtpmPort: UInt16 { get }
}

extension TPMServer {
    func tcti(_ kind: TCTI) -> String {
        switch kind {
        case .mssim: "mssim:host=127.0.0.1,port=\(mssimPort ?? 0)"
        case .swtpm: "swtpm:host=127.0.0.1,port=\(swtpmPort)"
        }
    }

    /// Runs `tpm2_<command>` against this TPM over `kind`.
    @discardableResult
    func tpm2(
        _ command: String, _ arguments: [String] = [], over kind: TCTI = .swtpm, input: Data? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ToolResult {
        try Tool.run(
            "tpm2_" + command, arguments, input: input, environment: ["TPM2TOOLS_TCTI": tcti(kind)],
            sourceLocation: sourceLocation)
    }

    /// Runs a tpm2 tool and requires it to succeed, returning its standard output.
    @discardableResult
    func tpm2Succeeds(
        _ command: String, _ arguments: [String] = [], over kind: TCTI = .swtpm, input: Data? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let result = try tpm2(command, arguments, over: kind, input: input, sourceLocation: sourceLocation)
        #expect(
            result.succeeded, "tpm2_\(command) \(arguments.joined(separator: " ")) over \(kind): \(result)",
            sourceLocation: sourceLocation)
        return result.stdout
    }
}

/// A `vtpmd` process on a temporary (or given) state directory and free loopback ports.
final class VTPMDaemon: TPMServer {
    let stateDirectory: URL
    let instances: Int
    let mssimBase: UInt16
    let swtpmBase: UInt16
    private var process: Process?
    private(set) var log = ""
    private var logBuffer: ReadBuffer?

    var mssimPort: UInt16? { mssimBase }
    var swtpmPort: UInt16 { swtpmBase }

    /// The `vtpmd` built next to this test bundle (or `$VTPMD`).
    static var executable: String {
        if let path = ProcessInfo.processInfo.environment["VTPMD"] { return path }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "vtpmd"
        ).path
    }

    init(instances: Int = 1, stateDirectory: URL? = nil) throws {
        self.instances = instances
        self.stateDirectory =
            stateDirectory
            ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("vtpmd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.stateDirectory, withIntermediateDirectories: true)
        mssimBase = Ports.block(2 * instances)
        swtpmBase = Ports.block(2 * instances)
        try start()
    }

    /// Ports of instance k.
    func mssimPort(instance k: Int) -> UInt16 { mssimBase + UInt16(2 * k) }
    func swtpmPort(instance k: Int) -> UInt16 { swtpmBase + UInt16(2 * k) }

    func start(waitFor instance: Int = 0) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = [
            "--state-dir", stateDirectory.path, "--mssim-port", String(mssimBase),
            "--swtpm-port", String(swtpmBase), "--instances", String(instances), "--log-level", "debug",
        ]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = errors
        try process.run()
        self.process = process
        logBuffer = ReadBuffer(errors.fileHandleForReading)
        guard Ports.waitUntilListening(swtpmPort(instance: instance)),
            Ports.waitUntilListening(mssimPort(instance: instance))
        else {
            stop()
            throw DaemonError(message: "vtpmd did not start listening:\n\(log)")
        }
    }

    var isRunning: Bool { process?.isRunning ?? false }

    /// SIGTERM and wait: the daemon shuts down cleanly and saves state. Returns its exit status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM) -> Int32 {
        guard let process else { return 0 }
        if process.isRunning {
            kill(process.processIdentifier, signal)
        }
        process.waitUntilExit()
        log += logBuffer?.string() ?? ""
        self.process = nil
        return process.terminationStatus
    }

    func restart() throws {
        stop()
        try start()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: stateDirectory)
    }
}

/// A real swtpm, the differential oracle: same tools, same commands, compared answers.
final class SwtpmDaemon: TPMServer {
    let stateDirectory: URL
    let swtpmPort: UInt16
    var mssimPort: UInt16? { nil }
    private var process: Process?

    init() throws {
        stateDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("swtpm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
        swtpmPort = Ports.block(2)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Tool.path("swtpm"))
        process.arguments = [
            "socket", "--tpm2", "--tpmstate", "dir=\(stateDirectory.path)",
            "--server", "type=tcp,port=\(swtpmPort)", "--ctrl", "type=tcp,port=\(swtpmPort + 1)",
            "--flags", "not-need-init",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        guard Ports.waitUntilListening(swtpmPort) else { throw DaemonError(message: "swtpm did not start") }
    }

    deinit {
        // Children of test threads inherit a blocked SIGTERM, and swtpm handles signals with sigaction, so
        // only SIGKILL stops it. Its state is throw-away.
        if let process, process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: stateDirectory)
    }
}

struct DaemonError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
