// SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization
import Testing

@testable import XenSplitDriver

/// What one `xenstore-*` command did: its exit status and both output streams.
struct CLIResult: Equatable, CustomStringConvertible {
    var status: Int32
    var output: String
    var error: String

    var description: String {
        func shown(_ text: String) -> String {
            text.count > 400
                ? "\(text.prefix(400).debugDescription)… (\(text.count) characters)" : text.debugDescription
        }
        return "exit \(status), stdout \(shown(output)), stderr \(shown(error))"
    }
}

/// Debian's xenstored and ours side by side: every command runs against both and must give the same result.
///
/// The two differ in what exists before the first command, and only there (the normalizations):
/// - The C daemon creates `/local/domain/0` lazily (a real toolstack writes it at boot); ours starts with it.
///   The oracle gets it written first.
/// - The C daemon keeps `/tool/xenstored`, and its root lists `tool` before `local`; so `/` and `/tool` are not
///   listed directly, and the whole-tree comparison (``sameTree(sourceLocation:)``) leaves `/tool` out.
final class XenStorePair: Sendable {
    let oracle: DebianXenStored
    let ours: XenStoreCLITests.RunningXenStore

    private init(oracle: DebianXenStored, ours: XenStoreCLITests.RunningXenStore) {
        self.oracle = oracle
        self.ours = ours
    }

    /// Runs `body` against a fresh pair, then stops both daemons whatever happened.
    static func with(_ body: (XenStorePair) async throws -> Void) async throws {
        let oracle = try DebianXenStored.start()
        let ours: XenStoreCLITests.RunningXenStore
        do {
            ours = try await XenStoreCLITests.RunningXenStore()
        } catch {
            oracle.stop()
            throw error
        }
        let pair = XenStorePair(oracle: oracle, ours: ours)
        do {
            let created = try XenStoreCLITests.run("write", ["/local/domain/0", ""], socket: oracle.socket)
            try #require(created.status == 0, "the oracle at \(oracle.socket) answers: \(created.error)")
            try pair.sameTree()
            try await body(pair)
        } catch {
            await pair.stop()
            throw error
        }
        await pair.stop()
    }

    func stop() async {
        oracle.stop()
        await ours.stop()
    }

    /// Runs `xenstore-<tool> arguments` on both daemons and expects the same status and output. Returns the
    /// oracle's result, so that a test can also check the reference did what the scenario means.
    @discardableResult
    func same(
        _ tool: String, _ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> CLIResult {
        let reference = try Self.run(tool, arguments, socket: oracle.socket)
        let result = try Self.run(tool, arguments, socket: ours.socket)
        #expect(result == reference, "\(Self.command(tool, arguments))", sourceLocation: sourceLocation)
        return reference
    }

    /// Compares every node's path, value and permissions (`ls -f -p /`), leaving out `/tool`.
    func sameTree(sourceLocation: SourceLocation = #_sourceLocation) throws {
        func tree(_ socket: String) throws -> CLIResult {
            var result = try Self.run("ls", ["-f", "-p", "/"], socket: socket)
            result.output = result.output.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.hasPrefix("/tool ") && !$0.hasPrefix("/tool/") }.joined(separator: "\n")
            return result
        }
        let reference = try tree(oracle.socket)
        #expect(reference.status == 0, "the oracle lists its tree", sourceLocation: sourceLocation)
        #expect(try tree(ours.socket) == reference, "the whole tree", sourceLocation: sourceLocation)
    }

    /// Starts `xenstore-watch arguments` on both daemons; returns once both have registered (printed the
    /// initial event), so that the changes that follow are seen.
    func watch(_ arguments: String...) async throws -> PairedWatch {
        let watch = PairedWatch(
            command: Self.command("watch", arguments),
            reference: try CLIWatcher(arguments, socket: oracle.socket),
            result: try CLIWatcher(arguments, socket: ours.socket))
        await watch.reference.waitForFirstEvent()
        await watch.result.waitForFirstEvent()
        return watch
    }

    /// Waits for both watchers to end and expects the same events and status; returns the oracle's result.
    @discardableResult
    func same(_ watch: PairedWatch, sourceLocation: SourceLocation = #_sourceLocation) async -> CLIResult {
        let reference = await watch.reference.finish()
        let result = await watch.result.finish()
        #expect(result == reference, "\(watch.command)", sourceLocation: sourceLocation)
        return reference
    }

    private static func run(_ tool: String, _ arguments: [String], socket: String) throws -> CLIResult {
        let (status, output, error) = try XenStoreCLITests.run(tool, arguments, socket: socket)
        return CLIResult(status: status, output: output, error: error)
    }

    /// The command line for a failure message; very long arguments (path-length cases) are shortened.
    private static func command(_ tool: String, _ arguments: [String]) -> String {
        (["xenstore-\(tool)"] + arguments.map { $0.count > 60 ? "\($0.prefix(40))…(\($0.count))" : $0 })
            .joined(separator: " ")
    }
}

/// The same `xenstore-watch` running against both daemons.
struct PairedWatch: Sendable {
    let command: String
    let reference: CLIWatcher
    let result: CLIWatcher
}

/// A running `xenstore-watch`. A watcher that does not see its N events is stopped after ``limit``.
final class CLIWatcher: Sendable {
    static let limit: Duration = .seconds(10)

    private let process: Process
    private let started = ContinuousClock.now
    private let output: Drain
    private let error: Drain

    init(_ arguments: [String], socket: String) throws {
        process = try XenStoreCLITests.cliProcess("watch", arguments, socket: socket)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        output = Drain(out.fileHandleForReading)
        error = Drain(err.fileHandleForReading)
    }

    /// Returns once the registration echo arrived, or the watcher ended (failed to register, or timed out).
    func waitForFirstEvent() async {
        while output.isOpen, !output.bytes.contains(UInt8(ascii: "\n")), await tick() {}
    }

    /// Waits for the watcher to exit (after its N events, or stopped at the time limit) and returns what it did.
    func finish() async -> CLIResult {
        while process.isRunning, await tick() {}
        process.waitUntilExit()
        // The pipes end with the process; the readers may still be draining them.
        while output.isOpen || error.isOpen { try? await Task.sleep(for: .milliseconds(1)) }
        // Stopped at the time limit: reported as a shell would, so a hung watcher cannot pass for a finished one.
        let signalled = process.terminationReason == .uncaughtSignal
        return CLIResult(
            status: (signalled ? 128 : 0) + process.terminationStatus,
            output: String(decoding: output.bytes, as: UTF8.self), error: String(decoding: error.bytes, as: UTF8.self))
    }

    /// Sleeps a little; past the time limit, stops the watcher and returns false.
    private func tick() async -> Bool {
        guard ContinuousClock.now - started < Self.limit else {
            if process.isRunning { process.terminate() }
            return false
        }
        try? await Task.sleep(for: .milliseconds(5))
        return true
    }

    /// Collects what a pipe delivers on a plain thread, so the blocking reads never hold a cooperative thread.
    private final class Drain: Sendable {
        private let state = Mutex<(bytes: [UInt8], open: Bool)>(([], true))

        var bytes: [UInt8] { state.withLock { $0.bytes } }
        var isOpen: Bool { state.withLock { $0.open } }

        init(_ file: FileHandle) {
            Thread { [self] in
                while case let data = file.availableData, !data.isEmpty {
                    state.withLock { $0.bytes += data }
                }
                state.withLock { $0.open = false }
            }.start()
        }
    }
}
