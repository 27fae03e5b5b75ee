// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import VTPMManager
import XenSplitDriver

/// A child process whose standard output and error go to a log file, stopped with a signal.
final class ChildProcess {
    private let process = Process()
    let logFile: URL

    init(_ executable: String, _ arguments: [String], logFile: URL) throws {
        self.logFile = logFile
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logFile)
        try handle.seekToEnd()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
    }

    var isRunning: Bool { process.isRunning }

    /// Everything it printed so far (also while it runs).
    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Sends `signal` (if still running), waits, and returns the exit status and everything it printed.
    func stop(signal: Int32) -> (status: Int32, log: String) {
        if process.isRunning { kill(process.processIdentifier, signal) }
        process.waitUntilExit()
        return (process.terminationStatus, log)
    }
}

/// `vtpmd --xen` as a process of its own (xenstored, hypervisor, manager endpoint, tpmback), no TCP ports.
final class XenDaemon {
    let directory: URL
    var stateDirectory: URL { directory.appendingPathComponent("state") }
    var xenstoreSocket: String { directory.appendingPathComponent("xs.sock").path }
    var managerSocket: String { ManagerSocketServer.defaultSocketPath(forXenStore: xenstoreSocket) }
    let extraArguments: [String]
    private var process: ChildProcess?

    static var vtpm: String {
        URL(fileURLWithPath: VTPMDaemon.executable).deletingLastPathComponent().appendingPathComponent("vtpm").path
    }

    init(extraArguments: [String] = []) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "vtpm-xen-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.extraArguments = extraArguments
        try start()
    }

    func start() throws {
        let process = try ChildProcess(
            VTPMDaemon.executable,
            [
                "--state-dir", stateDirectory.path, "--xen", "--xenstore-socket", xenstoreSocket,
                "--mssim-port", "0", "--swtpm-port", "0", "--log-level", "debug",
            ] + extraArguments, logFile: directory.appendingPathComponent("vtpmd.log"))
        self.process = process
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: managerSocket), Date() < deadline, process.isRunning {
            Thread.sleep(forTimeInterval: 0.02)
        }
        // The backend registers its watches right after the manager endpoint.
        Thread.sleep(forTimeInterval: 0.1)
        guard FileManager.default.fileExists(atPath: managerSocket) else {
            stop()
            throw DaemonError(message: "vtpmd --xen did not start:\n\(log)")
        }
    }

    @discardableResult
    func stop(signal: Int32 = SIGTERM) -> Int32 {
        guard let (status, _) = process?.stop(signal: signal) else { return 0 }
        process = nil
        return status
    }

    /// Everything vtpmd printed, over all its runs.
    var log: String { (try? String(contentsOf: directory.appendingPathComponent("vtpmd.log"), encoding: .utf8)) ?? "" }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: - Tools

    /// `vtpm <arguments>` (the CLI built next to vtpmd).
    @discardableResult
    func vtpm(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> ToolResult {
        try Tool.run(Self.vtpm, arguments, timeout: 30, sourceLocation: sourceLocation)
    }

    /// `xenstore-<tool>` from Debian's xenstore-utils against our xenstored.
    @discardableResult
    func xenstore(
        _ tool: String, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) throws
        -> ToolResult
    {
        try Tool.run(
            "xenstore-" + tool, arguments, environment: ["XENSTORED_PATH": xenstoreSocket], timeout: 30,
            sourceLocation: sourceLocation)
    }

    func read(_ path: String) throws -> String? {
        let client = try XenStoreClient(socketPath: xenstoreSocket)
        defer { client.close() }
        return try client.read(path)
    }

    /// Polls `path` until it holds `value`.
    func waitFor(_ path: String, _ value: String, seconds: Double = 15) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try read(path) == value { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }

    /// What arrived at the manager for `instance`.
    func counters(_ instance: UInt32) throws -> ManagerDevice.Counters {
        try ManagerClient(socketPath: managerSocket).counters(of: InstanceID(instance))
    }

    /// The backend directory of `domid`'s vtpm `devid`.
    func backendPath(_ domid: UInt32, devid: UInt32 = 0) -> String { "/local/domain/0/backend/vtpm/\(domid)/\(devid)" }
}

/// A guest's tpmfront (`vtpm xen front`) as a process of its own, its TPM at a unix socket.
final class GuestFrontend {
    let daemon: XenDaemon
    let domid: UInt32
    let devid: UInt32
    let devicePath: String
    let unchecked: Bool
    private var process: ChildProcess?

    /// The TCTI tpm2-tools use for this guest's TPM.
    var tcti: String { "cmd:socat - UNIX-CONNECT:\(devicePath)" }

    init(_ daemon: XenDaemon, domid: UInt32, devid: UInt32 = 0, unchecked: Bool = false) throws {
        self.daemon = daemon
        self.domid = domid
        self.devid = devid
        self.unchecked = unchecked
        devicePath = daemon.directory.appendingPathComponent("tpm-\(domid)-\(devid)\(unchecked ? "-raw" : "")").path
        try start()
    }

    func start() throws {
        try? FileManager.default.removeItem(atPath: devicePath)
        process = try ChildProcess(
            XenDaemon.vtpm,
            [
                "xen", "front", "--xenstore-socket", daemon.xenstoreSocket, "--domid", String(domid), "--devid",
                String(devid), "--device", devicePath, "--log-level", "debug",
            ] + (unchecked ? ["--unchecked"] : []), logFile: URL(fileURLWithPath: devicePath + ".log"))
        guard try daemon.waitFor(daemon.backendPath(domid, devid: devid) + "/state", "4"),
            FileManager.default.fileExists(atPath: devicePath)
        else {
            stop(signal: SIGKILL)
            throw DaemonError(message: "tpmfront of domain \(domid) did not connect:\n\(log)\nvtpmd:\n\(daemon.log)")
        }
    }

    var isRunning: Bool { process?.isRunning ?? false }

    @discardableResult
    func stop(signal: Int32 = SIGTERM) -> Int32 {
        guard let (status, _) = process?.stop(signal: signal) else { return 0 }
        process = nil
        return status
    }

    /// Everything this guest's frontends printed.
    var log: String { (try? String(contentsOf: URL(fileURLWithPath: devicePath + ".log"), encoding: .utf8)) ?? "" }

    deinit { stop(signal: SIGKILL) }

    /// Runs `tpm2_<command>` through this guest's device.
    @discardableResult
    func tpm2(
        _ command: String, _ arguments: [String] = [], sourceLocation: SourceLocation = #_sourceLocation
    )
        throws -> ToolResult
    {
        _ = try Tool.path("socat", sourceLocation: sourceLocation)
        return try Tool.run(
            "tpm2_" + command, arguments, environment: ["TPM2TOOLS_TCTI": tcti], sourceLocation: sourceLocation)
    }

    @discardableResult
    func tpm2Succeeds(
        _ command: String, _ arguments: [String] = [], sourceLocation: SourceLocation = #_sourceLocation
    )
        throws -> String
    {
        let result = try tpm2(command, arguments, sourceLocation: sourceLocation)
        #expect(result.succeeded, "tpm2_\(command) in domain \(domid): \(result)", sourceLocation: sourceLocation)
        return result.stdout
    }

    /// Writes `bytes` to the device in one write and reads one answer.
    func exchange(_ bytes: [UInt8]) throws -> [UInt8] {
        let socket = try UnixSocket.connect(to: devicePath, kind: .stream)
        defer { socket.close() }
        socket.setReceiveTimeout(milliseconds: 20_000)
        try socket.send(bytes)
        var answer: [UInt8] = []
        repeat {
            let chunk = try socket.receive(capacity: 65536).bytes
            if chunk.isEmpty { break }
            answer += chunk
        } while answer.count < 10 || answer.count < answer[2..<6].reduce(0, { $0 << 8 | Int($1) })
        return answer
    }
}

extension XenDaemon {
    /// `vtpm xen attach`: the toolstack writes both directories and waits for the backend's instance.
    @discardableResult
    func attach(
        domid: UInt32, name: String, preferred: UInt32? = nil, sourceLocation: SourceLocation = #_sourceLocation
    )
        throws -> UInt32
    {
        let result = try vtpm(
            ["xen", "attach", "--xenstore-socket", xenstoreSocket, "--domid", String(domid), "--name", name]
                + (preferred.map { ["--pref-instance", String($0)] } ?? []), sourceLocation: sourceLocation)
        guard result.succeeded,
            let instance = result.stdout.split(separator: " ").last.flatMap({
                UInt32($0.trimmingCharacters(in: .whitespacesAndNewlines))
            })
        else {
            throw DaemonError(message: "vtpm xen attach failed: \(result)\n\(log)")
        }
        return instance
    }
}
