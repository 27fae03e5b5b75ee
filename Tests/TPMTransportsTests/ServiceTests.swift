// SPDX-License-Identifier: Apache-2.0

import Logging
import ServiceLifecycle
import SystemPackage
import Synchronization
import Testing
import TPMTransports
import VTPMManager

@Suite("transport service")
struct ServiceTests {
    @Test("runs in a ServiceGroup, reports its listeners, and closes everything on graceful shutdown")
    func gracefulShutdown() async throws {
        let manager = InstanceManager(stateDirectory: nil)
        let instance = try manager.open(InstanceID(0))
        let base = TestPorts.block(4)
        let reported = Mutex<[InstanceListeners]?>(nil)
        let service = TPMTransportService(
            instances: [instance], configuration: TransportConfiguration(mssimBasePort: base, swtpmBasePort: base + 2),
            logger: Logger(label: "test.service")
        ) { listeners in reported.withLock { $0 = listeners } }
        let group = ServiceGroup(services: [service], logger: Logger(label: "test.group"))

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var listeners: [InstanceListeners]?
            for _ in 0..<200 where listeners == nil {
                try await Task.sleep(for: .milliseconds(10))
                listeners = reported.withLock { $0 }
            }
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
