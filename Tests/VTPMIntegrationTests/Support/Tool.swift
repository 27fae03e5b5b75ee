// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing

/// The outcome of one external command.
struct ToolResult: CustomStringConvertible {
    let status: Int32
    let stdout: String
    let stderr: String
    var succeeded: Bool { status == 0 }
    var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
}

/// Runs real client tools (tpm2-tools, swtpm_ioctl, openssl) and fails loudly when one is missing.
enum Tool {
    static let searchPath =
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        .split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin"]

    /// The absolute path of `name`; records a test failure naming the missing tool when it is absent.
    static func path(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        if name.hasPrefix("/") { return name }
        for directory in searchPath {
            let candidate = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        Issue.record(
            "required tool '\(name)' is not installed (run scripts/test.sh, which installs it)",
            sourceLocation: sourceLocation)
        throw ToolMissing(name: name)
    }

    struct ToolMissing: Error { let name: String }

    /// Runs `name` with `arguments`, optional standard input and extra environment, within `timeout` seconds.
    @discardableResult
    static func run(
        _ name: String, _ arguments: [String], input: Data? = nil, environment: [String: String] = [:],
        timeout: TimeInterval = 60, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ToolResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try path(name, sourceLocation: sourceLocation))
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(input)
        }
        try stdin.fileHandleForWriting.close()
        // Read both pipes while the process runs so a chatty tool cannot block on a full pipe.
        let outData = ReadBuffer(output.fileHandleForReading)
        let errData = ReadBuffer(errors.fileHandleForReading)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.005)
        }
        if process.isRunning {
            // SIGKILL: children of test threads inherit a blocked SIGTERM.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            Issue.record(
                "\(name) \(arguments.joined(separator: " ")) timed out after \(timeout)s",
                sourceLocation: sourceLocation)
        }
        process.waitUntilExit()
        return ToolResult(status: process.terminationStatus, stdout: outData.string(), stderr: errData.string())
    }
}

/// Collects everything a pipe delivers on a background thread.
final class ReadBuffer: @unchecked Sendable {
    // `data` is written by the reading thread and read only after `done` is signalled.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func string() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
