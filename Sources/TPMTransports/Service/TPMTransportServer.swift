// SPDX-License-Identifier: Apache-2.0

import Logging
import NIOCore
import NIOPosix
import Synchronization
import VTPMManager

/// Serves a set of instances over the mssim and swtpm TCP protocols: binds their listeners, accepts
/// connections, and closes everything on ``shutdown()``. ``TPMTransportService`` runs one under
/// ServiceLifecycle; tests drive it directly.
///
/// The mssim command ports and swtpm data ports, which carry the TPM commands, are served by the
/// transports' own epoll reactor; the platform and control ports, which see a few messages per session, by
/// NIO on `eventLoopGroup`.
public final class TPMTransportServer: Sendable {
    private let served: [ServedInstance]
    private let configuration: TransportConfiguration
    private let group: any EventLoopGroup
    private let logger: Logger
    private let connections = ConnectionRegistry()
    private let listeners = Mutex<[any Channel]>([])
    private let reactor: DataPortReactor

    /// - Parameters:
    ///   - instances: the instances to serve; instance *k* gets the ports of slot *k* (see
    ///     ``TransportConfiguration``).
    ///   - logger: used at `debug` and `trace` only, with `vtpm.instance`, `net.peer`, `tpm.cc`, `tpm.rc`.
    public init(
        instances: [VTPMInstance], configuration: TransportConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "vtpm.transports")
    ) {
        self.served = instances.map { ServedInstance($0, logger: logger) }
        self.configuration = configuration
        self.group = eventLoopGroup
        self.logger = logger
        self.reactor = DataPortReactor(threadPolicy: configuration.connectionThreads, logger: logger)
    }

    /// Binds every listener. If one cannot be bound, those already bound are closed and the error is thrown.
    /// A server is started once; after ``shutdown()`` it refuses connections.
    public func start() async throws -> [InstanceListeners] {
        var result: [InstanceListeners] = []
        do {
            for (slot, served) in served.enumerated() {
                let id = served.instance.id
                let mssim = try await bindPair(
                    configuration.mssimPorts(for: id), .mssimCommand, .mssimPlatform,
                    served, slot: slot)
                let swtpm = try await bindPair(
                    configuration.swtpmPorts(for: id), .swtpmData, .swtpmControl,
                    served, slot: slot)
                result.append(InstanceListeners(instance: id, host: configuration.host, mssim: mssim, swtpm: swtpm))
            }
            try reactor.start()
        } catch {
            await shutdown()
            throw error
        }
        return result
    }

    /// Closes the listeners, then every open connection.
    public func shutdown() async {
        let channels = listeners.withLock { listeners in
            defer { listeners = [] }
            return listeners
        }
        for channel in channels {
            try? await channel.close()
        }
        await reactor.shutdown()
        await connections.closeAll()
        logger.debug("transports stopped")
    }

    /// The number of open client connections (for tests and diagnostics).
    public var connectionCount: Int { connections.count + reactor.connectionCount }

    /// How often a reply on a data port found the socket's send buffer full and waited for it to drain.
    var deferredReplyCount: Int { reactor.deferredReplyCount }

    /// Data-port connections that have a thread of their own now (busy ones, see `ThreadedConnection`).
    var threadedConnectionCount: Int { reactor.threadedConnectionCount }

    /// How often a data-port connection has moved to a thread of its own since the server started.
    var connectionThreadStarts: Int { reactor.connectionThreadStarts }

    private func bindPair(
        _ ports: PortPair?, _ first: ListenerKind, _ second: ListenerKind,
        _ served: ServedInstance, slot: Int
    ) async throws -> PortPair? {
        guard let ports else { return nil }
        let firstPort = try await bind(first, port: ports.first, served: served, slot: slot)
        let secondPort = try await bind(second, port: ports.second, served: served, slot: slot)
        return PortPair(first: firstPort, second: secondPort)
    }

    private func bind(_ kind: ListenerKind, port: Int, served: ServedInstance, slot: Int) async throws -> Int {
        guard let dataPort = kind.dataPort else { return try await bindNIO(kind, port: port, served: served) }
        let bound: Int
        do throws(TransportError) {
            bound = try reactor.listen(dataPort, host: configuration.host, port: port, served: served, slot: slot)
        } catch {
            throw TransportError(.bindFailed, "cannot listen on \(configuration.host):\(port) (\(kind)): \(error)")
        }
        served.logger.debug("listening", metadata: ["listener": "\(kind)", "port": "\(bound)"])
        return bound
    }

    private func bindNIO(_ kind: ListenerKind, port: Int, served: ServedInstance) async throws -> Int {
        let connections = self.connections
        let logger = served.logger
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Every reply is one write; without TCP_NODELAY a small reply could wait for an ACK.
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                connections.register(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try kind.configure(channel, served: served, logger: logger)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: configuration.host, port: port).get()
        } catch {
            throw TransportError(.bindFailed, "cannot listen on \(configuration.host):\(port) (\(kind)): \(error)")
        }
        listeners.withLock { $0.append(channel) }
        logger.debug("listening", metadata: ["listener": "\(kind)", "port": "\(port)"])
        return channel.localAddress?.port ?? port
    }
}
