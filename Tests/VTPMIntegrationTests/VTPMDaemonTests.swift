// SPDX-License-Identifier: Apache-2.0

import Foundation
import TPMTransports
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The `vtpmd` executable, started as a process: option checks, refused instances, signals and the final
/// state flush. Ports base+900 to base+959 (see ``Ports``), away from the other tests' blocks.
@Suite("vtpmd", .serialized)
struct VTPMDaemonTests {
    static let startup: [UInt8] = [0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x44, 0, 0]
    static let getRandom: [UInt8] = [0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x7B, 0, 8]

    /// The port `offset` above the test port base.
    static func port(_ offset: Int) -> Int { Ports.base + offset }

    /// A running (or finished) vtpmd with its standard error collected.
    final class Daemon {
        let process = Process()
        private let errors = Pipe()
        let stateDirectory: String

        init(_ arguments: [String], stateDirectory: String) throws {
            self.stateDirectory = stateDirectory
            let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
                .appendingPathComponent("vtpmd")
            guard FileManager.default.isExecutableFile(atPath: binary.path) else {
                throw TransportError(.invalidConfiguration, "vtpmd not built next to the tests at \(binary.path)")
            }
            process.executableURL = binary
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: stateDirectory)
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
        }

        /// Waits (up to 10 s) for the process to exit; returns its status and standard error.
        func finish() -> (status: Int32, log: String) {
            let log = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, log)
        }

        /// Sends `signal` to the daemon.
        func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

        deinit {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }

    static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "vtpmd-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Connects to `port`, retrying while the daemon starts.
    static func connect(_ port: Int) throws -> TPMSocketClient {
        for _ in 0..<100 {
            if let client = try? TPMSocketClient(port: port, receiveTimeout: .seconds(10)) { return client }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try TPMSocketClient(port: port, receiveTimeout: .seconds(10))
    }

    @Test("refuses a corrupted instance, serves the others, and saves state on SIGTERM")
    func corruptedInstance() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let corrupted = "\(directory)/vtpm-state/1/tpm2-state.vtpm"
        try FileManager.default.createDirectory(atPath: "\(directory)/vtpm-state/1", withIntermediateDirectories: true)
        try Data("not a state file".utf8).write(to: URL(fileURLWithPath: corrupted))

        let daemon = try Daemon(
            [
                "--mssim-port", "\(Self.port(900))", "--swtpm-port", "\(Self.port(910))",
                "--instances", "2",
            ],
            stateDirectory: directory)
        let client = try Self.connect(Self.port(910))
        #expect(try client.swtpmSend(Self.startup) == [0x80, 0x01, 0, 0, 0, 10, 0, 0, 0, 0])
        #expect(try client.swtpmSend(Self.getRandom).count == 20)
        client.close()
        #expect(throws: TransportError.self) { try TPMSocketClient(port: Self.port(912)) }
        #expect(throws: TransportError.self) { try TPMSocketClient(port: Self.port(902)) }

        daemon.send(SIGTERM)
        let (status, log) = daemon.finish()
        #expect(status == 0)
        #expect(log.contains("instance 1 refused"))
        #expect(log.contains(corrupted) || log.contains("vtpm-state/1/tpm2-state.vtpm"))
        #expect(
            log.contains(
                "instance 0: mssim 127.0.0.1:\(Self.port(900))/\(Self.port(901)), "
                    + "swtpm 127.0.0.1:\(Self.port(910))/\(Self.port(911))"))
        #expect(log.contains("vtpmd stopped"))
        #expect(FileManager.default.fileExists(atPath: "\(directory)/vtpm-state/0/tpm2-state.vtpm"))
        let untouched = try Data(contentsOf: URL(fileURLWithPath: corrupted))
        #expect(untouched == Data("not a state file".utf8))
    }

    @Test("exits non-zero when every instance is refused")
    func allRefused() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: "\(directory)/vtpm-state/0", withIntermediateDirectories: true)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: "\(directory)/vtpm-state/0/tpm2-state.vtpm"))
        let daemon = try Daemon(
            ["--mssim-port", "\(Self.port(920))", "--swtpm-port", "\(Self.port(930))"],
            stateDirectory: directory)
        let (status, log) = daemon.finish()
        #expect(status != 0)
        #expect(log.contains("no instance could be opened"))
    }

    @Test(
        "refuses port layouts that overlap or run past 65535",
        arguments: [
            ["--mssim-port", "\(Ports.base + 940)", "--swtpm-port", "\(Ports.base + 941)"],
            ["--mssim-port", "65535"],
            ["--mssim-port", "0", "--swtpm-port", "0"],
            ["--instances", "0"],
        ])
    func invalidOptions(arguments: [String]) throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let daemon = try Daemon(arguments, stateDirectory: directory)
        let (status, log) = daemon.finish()
        #expect(status != 0)
        #expect(log.contains("Error:"))
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/vtpm-state"))
    }

    @Test("SIGINT also shuts down gracefully; the state written loads on the next start")
    func restart() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for round in 0..<2 {
            let daemon = try Daemon(
                ["--mssim-port", "\(Self.port(950))", "--swtpm-port", "0"],
                stateDirectory: directory)
            let client = try Self.connect(Self.port(950))
            let response = try client.mssimSend(Self.startup)
            #expect(response.count == 10, "round \(round)")
            client.close()
            daemon.send(SIGINT)
            let (status, log) = daemon.finish()
            #expect(status == 0, "\(log)")
            #expect(!log.contains("refused"))
        }
    }
}
