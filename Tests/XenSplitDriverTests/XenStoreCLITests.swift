// SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging
import NIOPosix
import SystemPackage
import Testing

@testable import XenSplitDriver

/// Debian's xenstore-utils (libxenstore 4.17) against our xenstored over its unix socket, unchanged:
/// `XENSTORED_PATH` points them at it. A missing tool fails loudly.
@Suite("xenstore-utils against our xenstored")
struct XenStoreCLITests {
    /// A xenstored on a temporary socket with its durable tree in the same directory.
    final class RunningXenStore: Sendable {
        let directory: String
        let server: XenStoreServer
        var socket: String { server.socketPath }

        init() async throws {
            directory =
                FileManager.default.temporaryDirectory.appendingPathComponent(
                    "vtpm-xenstore-\(UUID().uuidString.prefix(8))"
                ).path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let service = try XenStoreService(
                stateDirectory: FilePath(directory), socketPath: directory + "/socket",
                logger: Logger(label: "test.xenstore"))
            server = service.server
            try await server.start()
        }

        func stop() async {
            await server.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }

        /// Runs `xenstore-<tool>` with `arguments`; returns status, standard output and standard error.
        func run(_ tool: String, _ arguments: String...) throws -> (status: Int32, output: String, error: String) {
            try XenStoreCLITests.run(tool, arguments, socket: socket)
        }
    }

    /// Runs `xenstore-<tool>` with `arguments` against the xenstored on `socket`.
    static func run(
        _ tool: String, _ arguments: [String], socket: String
    ) throws -> (status: Int32, output: String, error: String) {
        let result = try Programs.run(
            "/usr/bin/xenstore-\(tool)", arguments, environment: environment(socket), hint: hint)
        return (result.status, result.output, result.error)
    }

    /// A `xenstore-<tool>` process set up for `socket`, not started; fails if the tool is not installed.
    static func cliProcess(_ tool: String, _ arguments: [String], socket: String) throws -> Process {
        try Programs.process("/usr/bin/xenstore-\(tool)", arguments, environment: environment(socket), hint: hint)
    }

    private static let hint = "apt-get install xenstore-utils"

    private static func environment(_ socket: String) -> [String: String] {
        ["XENSTORED_PATH": socket, "PATH": "/usr/bin:/bin"]
    }

    static func withXenStore(_ body: (RunningXenStore) async throws -> Void) async throws {
        let running = try await RunningXenStore()
        do {
            try await body(running)
        } catch {
            await running.stop()
            throw error
        }
        await running.stop()
    }

    @Test("nested vTPM keys: write, read, ls -f, list, exists, rm; relative paths under /local/domain/0")
    func vtpmKeys() async throws {
        try await Self.withXenStore { (xs: RunningXenStore) async throws in
            let base = "/local/domain/0/backend/vtpm/1/0"
            #expect(
                try xs.run(
                    "write", "\(base)/frontend-id", "1", "\(base)/frontend", "/local/domain/1/device/vtpm/0",
                    "\(base)/instance", "3", "\(base)/pref_instance", "3", "\(base)/domain", "guest1"
                ).status == 0)
            #expect(try xs.run("read", "\(base)/instance").output == "3\n")
            #expect(try xs.run("read", "-p", "\(base)/domain").output == "\(base)/domain: guest1\n")
            #expect(try xs.run("read", "backend/vtpm/1/0/frontend-id").output == "1\n")
            #expect(
                try xs.run("list", base).output == "frontend-id\nfrontend\ninstance\npref_instance\ndomain\n")
            #expect(
                try xs.run("ls", "-f", "/local/domain/0/backend").output == """
                    /local/domain/0/backend/vtpm = ""
                    /local/domain/0/backend/vtpm/1 = ""
                    /local/domain/0/backend/vtpm/1/0 = ""
                    \(base)/frontend-id = "1"
                    \(base)/frontend = "/local/domain/1/device/vtpm/0"
                    \(base)/instance = "3"
                    \(base)/pref_instance = "3"
                    \(base)/domain = "guest1"

                    """)
            #expect(try xs.run("exists", base).status == 0)
            #expect(try xs.run("rm", "/local/domain/0/backend/vtpm/1").status == 0)
            #expect(try xs.run("exists", base).status != 0)
            #expect(try xs.run("ls", "/local/domain/0/backend").output == "vtpm = \"\"\n")
        }
    }

    @Test("errors: a missing key, an invalid path, and a multi-key write that fails writes nothing")
    func errors() async throws {
        try await Self.withXenStore { (xs: RunningXenStore) async throws in
            let missing = try xs.run("read", "/nope")
            #expect(missing.status != 0 && missing.error.contains("couldn't read path /nope"))
            let invalid = try xs.run("write", "/ok", "v", "/bad//p", "v")
            #expect(invalid.status != 0 && invalid.error.contains("could not write path /bad//p"))
            #expect(try xs.run("exists", "/ok").status != 0, "the CLI's transaction was aborted")
            #expect(try xs.run("read", "/bad path").status != 0)
            #expect(try xs.run("rm", "/missing/child").status != 0)
        }
    }

    @Test("permissions: chmod sets owner and access, ls -p shows them")
    func permissions() async throws {
        try await Self.withXenStore { (xs: RunningXenStore) async throws in
            #expect(try xs.run("write", "/local/domain/1/device/vtpm/0/state", "1").status == 0)
            #expect(try xs.run("chmod", "/local/domain/1/device", "b1", "r0").status == 0)
            let listing = try xs.run("ls", "-p", "/local/domain/1").output
            #expect(listing.hasPrefix("device = \"\"") && listing.contains("(b1,r0)"))
            let store = xs.server.store
            let path = try XenStorePath("/local/domain/1/device")
            #expect(
                try store.permissions(path, caller: 0) == [XenStorePermission(.both, 1), XenStorePermission(.read, 0)])
            #expect(try xs.run("chmod", "/local/domain/1/device", "x1").status != 0)
        }
    }

    @Test("watch: the initial event, then one per change below the path")
    func watch() async throws {
        try await Self.withXenStore { (xs: RunningXenStore) async throws in
            let watcher = Task.detached { try xs.run("watch", "-n", "3", "/local/domain/0/backend/vtpm") }
            // Wait until the watcher has registered; its first event is the registration echo.
            let deadline = ContinuousClock.now + .seconds(10)
            while xs.server.store.watchCount == 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            try #require(xs.server.store.watchCount == 1, "xenstore-watch did not register")
            #expect(try xs.run("write", "/local/domain/0/backend/vtpm/2/0/state", "1").status == 0)
            #expect(try xs.run("write", "/local/domain/0/backend/vtpmx", "1").status == 0, "a sibling: no event")
            #expect(try xs.run("rm", "/local/domain/0/backend").status == 0)
            let result = try await watcher.value
            #expect(
                result.output == """
                    /local/domain/0/backend/vtpm
                    /local/domain/0/backend/vtpm/2/0/state
                    /local/domain/0/backend/vtpm

                    """)
        }
    }

    @Test("transactions through the CLI commit; the tree survives a restart of the daemon")
    func durability() async throws {
        let running = try await RunningXenStore()
        #expect(try running.run("write", "/vm/a", "1", "/vm/b", "2").status == 0)
        await running.server.stop()
        let reopened = try XenStoreService(
            stateDirectory: FilePath(running.directory), socketPath: running.directory + "/socket2",
            logger: Logger(label: "test.xenstore"))
        #expect(try reopened.server.store.read(XenStorePath("/vm/b"), caller: 0) == Array("2".utf8))
        #expect(try reopened.server.store.directory(XenStorePath("/vm"), caller: 0) == ["a", "b"])
        try? FileManager.default.removeItem(atPath: running.directory)
    }
}
