// SPDX-License-Identifier: Apache-2.0

import Foundation
import TPMTransports

#if canImport(Glibc)
import Glibc
#endif

/// Runs the real clients and servers installed on the machine. A missing tool fails the test loudly.
enum ExternalTools {
    struct Output {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    static func path(of tool: String) throws -> String {
        for directory in ["/usr/bin", "/usr/local/bin", "/bin"] {
            let candidate = "\(directory)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw TransportError(.invalidConfiguration, "\(tool) is not installed; the test needs it")
    }

    /// Runs `tool` to completion (tpm2-tools, swtpm_ioctl).
    static func run(_ tool: String, _ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try path(of: tool))
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["TSS2_LOG"] = "all+none"
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, standardOutput: String(decoding: outData, as: UTF8.self),
            standardError: String(decoding: errData, as: UTF8.self))
    }
}

/// A real `swtpm socket` process on test ports, the differential oracle for the swtpm protocol.
final class SwtpmProcess {
    let dataPort: Int
    let controlPort: Int
    private let process: Process
    private let stateDirectory: TemporaryDirectory

    init() throws {
        stateDirectory = try TemporaryDirectory("swtpm-oracle")
        dataPort = TestPorts.block(2)
        controlPort = dataPort + 1
        process = Process()
        process.executableURL = URL(fileURLWithPath: try ExternalTools.path(of: "swtpm"))
        process.arguments = [
            "socket", "--tpm2", "--tpmstate", "dir=\(stateDirectory.path)",
            "--server", "type=tcp,port=\(dataPort)", "--ctrl", "type=tcp,port=\(controlPort)",
            "--flags", "not-need-init",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try waitUntilListening()
    }

    private func waitUntilListening() throws {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let probe = try? TPMSocketClient(port: controlPort) {
                probe.close()
                return
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        stop()
        throw TransportError(.connectFailed, "swtpm did not start listening on \(controlPort)")
    }

    func stop() {
        if process.isRunning {
            // SIGKILL, not terminate(): the child inherits the signal mask of the spawning thread, and test
            // threads may block SIGTERM, which would leave swtpm running and waitUntilExit() waiting forever.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        stateDirectory.remove()
    }

    deinit { stop() }
}
