// SPDX-License-Identifier: Apache-2.0

import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import VTPMManager

/// The transports as a ServiceLifecycle service: binds every listener when it starts, reports them through
/// `onListening`, and on graceful shutdown (or cancellation) closes the listeners and then the connections.
public struct TPMTransportService: Service {
    private let server: TPMTransportServer
    private let onListening: @Sendable ([InstanceListeners]) -> Void

    /// - Parameter onListening: called once every listener is bound, for the daemon to announce them.
    public init(
        instances: [VTPMInstance], configuration: TransportConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "vtpm.transports"),
        onListening: @escaping @Sendable ([InstanceListeners]) -> Void = { _ in }
    ) {
        self.server = TPMTransportServer(
            instances: instances, configuration: configuration,
            eventLoopGroup: eventLoopGroup, logger: logger)
        self.onListening = onListening
    }

    public func run() async throws {
        let listeners = try await server.start()
        onListening(listeners)
        // Returns on graceful shutdown; throws CancellationError when the task is cancelled instead.
        try? await gracefulShutdown()
        await server.shutdown()
    }
}
