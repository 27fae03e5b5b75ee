// SPDX-License-Identifier: Apache-2.0

import Logging
import ServiceLifecycle
import Synchronization
import SystemPackage
import TPMTransports
import Testing
import VTPMManager

@Suite("transport service")
struct ServiceTests {
    @Test("runs in a ServiceGroup, reports its listeners, and closes everything on graceful shutdown")
    func gracefulShutdown() async throws {
        let manager = InstanceManager(stateDirectory: nil)
        let instance = try manager.open(InstanceID(0))
        // A test port can be taken by an outgoing connection between the check and the bind (the test range
        // may lie in the kernel's ephemeral range): such an attempt fails with bindFailed, and the next block
        // is tried.
        for _ in 0..<5 {
            if try await Self.runService(instance, base: TestPorts.block(4)) { return }
        }
        Issue.record("no test port block could be bound")
    }

    /// What a service run reported, shared with its task.
    private final class Progress: Sendable {
        let listeners = Mutex<[InstanceListeners]?>(nil)
        let bindFailed = Mutex(false)
        var failed: Bool { bindFailed.withLock { $0 } }
    }

    /// One run of the service on ports `base` ... `base + 3`; false if they could not be bound.
    private static func runService(_ instance: VTPMInstance, base: Int) async throws -> Bool {
        let progress = Progress()
        let service = TPMTransportService(
            instances: [instance], configuration: TransportConfiguration(mssimBasePort: base, swtpmBasePort: base + 2),
            logger: Logger(label: "test.service")
        ) { listeners in progress.listeners.withLock { $0 = listeners } }
        let group = ServiceGroup(services: [service], logger: Logger(label: "test.group"))

        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                do {
                    try await group.run()
                } catch let error as TransportError where error.code == .bindFailed {
                    progress.bindFailed.withLock { $0 = true }
                }
            }
            // A deadline, not a number of polls: other tests may keep the cooperative pool busy for a while.
            var listeners: [InstanceListeners]?
            let deadline = ContinuousClock.now + .seconds(20)
            while listeners == nil, !progress.failed, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
                listeners = progress.listeners.withLock { $0 }
            }
            guard !progress.failed else { return false }
            let ports = try #require(listeners?.first)
            #expect(ports.mssim == PortPair(first: base, second: base + 1))
            #expect(ports.swtpm == PortPair(first: base + 2, second: base + 3))

            let client = try TPMSocketClient(port: base, receiveTimeout: .seconds(5))
            defer { client.close() }
            _ = try client.mssimSend(TestCommands.startupClear)

            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            #expect(try client.receiveAvailable().isEmpty)
            #expect(throws: TransportError.self) { try TPMSocketClient(port: base + 2) }
            return true
        }
    }

    @Test("a port already in use fails start with bindFailed")
    func bindFailure() async throws {
        try await withServer { running in
            let clash = TPMTransportServer(
                instances: [running.instance],
                configuration: TransportConfiguration(mssimBasePort: running.mssimCommandPort, swtpmBasePort: 0))
            await #expect(throws: TransportError(.bindFailed, "")) { try await clash.start() }
        }
    }
}
