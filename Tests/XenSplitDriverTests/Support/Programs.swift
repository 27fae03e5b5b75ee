// SPDX-License-Identifier: Apache-2.0

import Foundation

/// External programs the Xen tests drive: Debian's xenstore-utils and our own `vtpm`.
enum Programs {
    struct Result: CustomStringConvertible {
        let status: Int32
        let output: String
        let error: String
        var description: String { "exit \(status)\nstdout: \(output)\nstderr: \(error)" }
    }

    struct Missing: Error, CustomStringConvertible {
        let path: String
        let hint: String
        var description: String { "\(path) is missing (\(hint)); the test needs it" }
    }

    /// The `vtpm` executable built next to this test bundle (or `$VTPM`).
    static var vtpm: String {
        if let path = ProcessInfo.processInfo.environment["VTPM"] { return path }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("vtpm").path
    }

    /// A process for `path`, not started; a missing executable fails with `hint` (how to get it).
    static func process(
        _ path: String, _ arguments: [String], environment: [String: String]? = nil, hint: String
    ) throws -> Process {
        guard FileManager.default.isExecutableFile(atPath: path) else { throw Missing(path: path, hint: hint) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let environment { process.environment = environment }
        return process
    }

    /// Runs a program with small outputs to its end.
    static func run(
        _ path: String, _ arguments: [String], environment: [String: String]? = nil, hint: String
    ) throws -> Result {
        let process = try process(path, arguments, environment: environment, hint: hint)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Small outputs: reading one pipe to its end cannot block the program on the other.
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
            error: String(decoding: error, as: UTF8.self))
    }
}
