// SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging
import Synchronization
import SystemPackage
import VTPMManager

@testable import TPMTransports

#if canImport(Glibc)
import Glibc
#endif

/// Ports for socket tests: fresh blocks from 400-899 above the port base (`VTPM_TEST_PORT_BASE`, 31000 unless
/// set; each worktree of this machine uses its own base), wrapping around, each port free when handed out.
/// A base inside the kernel's ephemeral range (32768 and up) shares it with outgoing connections, so a port
/// can still be taken between the check and the bind: ``RunningServer`` then moves on to the next block.
enum TestPorts {
    private static let next = Atomic<Int>(0)

    static var base: Int {
        ProcessInfo.processInfo.environment["VTPM_TEST_PORT_BASE"].flatMap { Int($0) } ?? 31000
    }

    static func block(_ size: Int = 8) -> Int {
        while true {
            let first = base + 400 + next.add(size, ordering: .relaxed).oldValue % (500 - size)
            if (first..<first + size).allSatisfy(isBindable) { return first }
        }
    }

    /// Whether a listener could bind 127.0.0.1:`port` now (with SO_REUSEADDR, as the servers do).
    private static func isBindable(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

/// A directory under the system temporary directory, removed by ``remove()``.
struct TemporaryDirectory {
    let path: String

    init(_ prefix: String = "vtpm-transport-test") throws {
        path = NSTemporaryDirectory() + "\(prefix)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A transport server with its own instances and state directory, on fresh test ports.
final class RunningServer: Sendable {
    let server: TPMTransportServer
    let manager: InstanceManager
    let listeners: [InstanceListeners]
    let stateDirectory: TemporaryDirectory

    private init(
        server: TPMTransportServer, manager: InstanceManager, listeners: [InstanceListeners],
        stateDirectory: TemporaryDirectory
    ) {
        self.server = server
        self.manager = manager
        self.listeners = listeners
        self.stateDirectory = stateDirectory
    }

    var mssimCommandPort: Int { listeners[0].mssim?.first ?? 0 }
    var mssimPlatformPort: Int { listeners[0].mssim?.second ?? 0 }
    var swtpmDataPort: Int { listeners[0].swtpm?.first ?? 0 }
    var swtpmControlPort: Int { listeners[0].swtpm?.second ?? 0 }

    /// - Parameter threadIdleTimeout: how long a busy connection keeps its own thread without traffic.
    static func start(
        instances: Int = 1, mssim: Bool = true, swtpm: Bool = true, threadIdleTimeout: Duration? = nil
    ) async throws -> RunningServer {
        let directory = try TemporaryDirectory()
        let manager = InstanceManager(stateDirectory: FilePath(directory.path))
        let opened = try (0..<instances).map { try manager.open(InstanceID(UInt32($0))) }
        var lastError: (any Error)?
        for _ in 0..<5 {
            let base = TestPorts.block(4 * instances)
            var configuration = TransportConfiguration(
                mssimBasePort: mssim ? base : 0, swtpmBasePort: swtpm ? base + 2 * instances : 0)
            if let threadIdleTimeout { configuration.connectionThreads.idleTimeout = threadIdleTimeout }
            let server = TPMTransportServer(
                instances: opened, configuration: configuration,
                logger: Logger(label: "test.transports"))
            do {
                let listeners = try await server.start()
                return RunningServer(
                    server: server, manager: manager, listeners: listeners,
                    stateDirectory: directory)
            } catch let error as TransportError where error.code == .bindFailed {
                lastError = error  // a port of the block is taken by someone else: try the next block
            }
        }
        directory.remove()
        throw lastError ?? TransportError(.bindFailed, "no free test ports")
    }

    func stop() async {
        await server.shutdown()
        stateDirectory.remove()
    }

    var instance: VTPMInstance { manager.instances[0] }
}

/// Runs `body` with a fresh server, stopping it afterwards whatever happens.
func withServer<T>(
    instances: Int = 1, mssim: Bool = true, swtpm: Bool = true, threadIdleTimeout: Duration? = nil,
    _ body: (RunningServer) async throws -> T
) async throws -> T {
    let running = try await RunningServer.start(
        instances: instances, mssim: mssim, swtpm: swtpm, threadIdleTimeout: threadIdleTimeout)
    do {
        let result = try await body(running)
        await running.stop()
        return result
    } catch {
        await running.stop()
        throw error
    }
}
