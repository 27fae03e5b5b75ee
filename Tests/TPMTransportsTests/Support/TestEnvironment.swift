// SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging
import Synchronization
import SystemPackage
import TPMTransports
import VTPMManager

/// Ports for socket tests: each call hands out a fresh block in 31100-31999 (this worktree's range).
enum TestPorts {
    private static let next = Atomic<Int>(31100)

    static func block(_ size: Int = 8) -> Int {
        let base = next.add(size, ordering: .relaxed).oldValue
        precondition(base + size <= 32000, "test port range 31100-31999 exhausted")
        return base
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

    private init(server: TPMTransportServer, manager: InstanceManager, listeners: [InstanceListeners],
                 stateDirectory: TemporaryDirectory) {
        self.server = server
        self.manager = manager
        self.listeners = listeners
        self.stateDirectory = stateDirectory
    }

    var mssimCommandPort: Int { listeners[0].mssim?.first ?? 0 }
    var mssimPlatformPort: Int { listeners[0].mssim?.second ?? 0 }
    var swtpmDataPort: Int { listeners[0].swtpm?.first ?? 0 }
    var swtpmControlPort: Int { listeners[0].swtpm?.second ?? 0 }

    static func start(instances: Int = 1, mssim: Bool = true, swtpm: Bool = true) async throws -> RunningServer {
        let directory = try TemporaryDirectory()
        let manager = InstanceManager(stateDirectory: FilePath(directory.path))
        let opened = try (0..<instances).map { try manager.open(InstanceID(UInt32($0))) }
        var lastError: (any Error)?
        for _ in 0..<5 {
            let base = TestPorts.block(4 * instances)
            let configuration = TransportConfiguration(
                mssimBasePort: mssim ? base : 0, swtpmBasePort: swtpm ? base + 2 * instances : 0)
            let server = TPMTransportServer(instances: opened, configuration: configuration,
                                            logger: Logger(label: "test.transports"))
            do {
                let listeners = try await server.start()
                return RunningServer(server: server, manager: manager, listeners: listeners,
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
func withServer<T>(instances: Int = 1, mssim: Bool = true, swtpm: Bool = true,
                   _ body: (RunningServer) async throws -> T) async throws -> T {
    let running = try await RunningServer.start(instances: instances, mssim: mssim, swtpm: swtpm)
    do {
        let result = try await body(running)
        await running.stop()
        return result
    } catch {
        await running.stop()
        throw error
    }
}
