// SPDX-License-Identifier: Apache-2.0

import Logging
import NIOCore
import NIOPosix
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Our xenstored: a ``XenStore`` served with the xs_wire protocol on a unix stream socket, so that Debian's
/// `xenstore-*` tools (`XENSTORED_PATH=<socket>`) and our own toolstack and drivers use it unchanged.
///
/// SwiftNIO, as STYLE.md advises for socket servers: xenstore traffic is a few messages per operation, so the
/// pipeline's cost does not matter here. Requests run synchronously on the connection's event loop (a change
/// is stored durably before its reply); watch events from other connections' changes are written from
/// whichever thread made the change, which NIO hands to the watching channel's loop.
public final class XenStoreServer: Sendable {
    public let store: XenStore
    public let socketPath: String
    private let group: any EventLoopGroup
    private let logger: Logger
    private let listener = Mutex<(any Channel)?>(nil)
    private let connections = OpenChannels()

    public init(store: XenStore, socketPath: String, group: any EventLoopGroup, logger: Logger) {
        self.store = store
        self.socketPath = socketPath
        self.group = group
        self.logger = logger
    }

    /// Binds the socket (replacing a stale socket file left by an earlier run) and starts serving.
    public func start() async throws {
        _ = unlink(socketPath)
        let store = self.store
        let logger = self.logger
        let connections = self.connections
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .childChannelInitializer { channel in
                connections.add(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(XenStoreFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(XenStoreChannelHandler(store: store, logger: logger))
                }
            }
        let channel = try await bootstrap.bind(unixDomainSocketPath: socketPath).get()
        listener.withLock { $0 = channel }
        logger.info("xenstore listening", metadata: ["socket": "\(socketPath)"])
    }

    /// Serves one more connection, already open on `descriptor` (a socketpair end), as domain `domid`: the
    /// hypervisor's domain builder introduces each guest this way, so the guest's requests carry its own domain's
    /// permissions and relative paths, as a guest's xenstore ring does in Xen.
    @discardableResult
    public func adopt(descriptor: Int32, domid: UInt32) throws -> any Channel {
        let store = self.store
        let logger = self.logger
        let connections = self.connections
        return try ClientBootstrap(group: group)
            .channelInitializer { channel in
                connections.add(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(XenStoreFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(
                        XenStoreChannelHandler(store: store, domid: domid, logger: logger))
                }
            }
            .withConnectedSocket(descriptor).wait()
    }

    /// Closes the listener and every connection, and removes the socket file.
    public func stop() async {
        let channel = listener.withLock { listener in
            defer { listener = nil }
            return listener
        }
        try? await channel?.close()
        for connection in connections.all {
            try? await connection.close()
        }
        _ = unlink(socketPath)
    }
}

/// The server's open connections, so that ``XenStoreServer/stop()`` can close them.
private final class OpenChannels: Sendable {
    private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

    var all: [any Channel] { channels.withLock { Array($0.values) } }

    func add(_ channel: any Channel) {
        channels.withLock { $0[ObjectIdentifier(channel)] = channel }
        channel.closeFuture.whenComplete { _ in
            _ = self.channels.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
        }
    }
}

/// Cuts the byte stream into xs_wire messages; a payload longer than 4096 bytes closes the connection
/// (xenstored does the same).
struct XenStoreFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = XenStoreMessage

    struct PayloadTooLong: Error {}

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let header = buffer.getBytes(at: buffer.readerIndex, length: XenStoreMessage.headerSize) else {
            return .needMoreData
        }
        let length = XenStoreMessage.payloadLength(header)
        guard length <= XenStoreMessage.payloadLimit else { throw PayloadTooLong() }
        guard let bytes = buffer.readBytes(length: XenStoreMessage.headerSize + length) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(XenStoreMessage(decoding: bytes)))
        return .continue
    }
}

/// One connection: registers with the store for watch events, answers each message, and leaves the store
/// (watches dropped, transactions aborted) when it closes.
final class XenStoreChannelHandler: ChannelInboundHandler {
    typealias InboundIn = XenStoreMessage
    typealias OutboundOut = ByteBuffer

    private let store: XenStore
    private let domid: UInt32
    private let logger: Logger
    private var handler: XenStoreRequestHandler?

    /// `domid` 0 for the unix socket's connections (privileged, as in xenstored).
    init(store: XenStore, domid: UInt32 = 0, logger: Logger) {
        self.store = store
        self.domid = domid
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        let channel = context.channel
        let connection = store.connect { path, token in
            let event = XenStoreRequestHandler.watchEvent(path, token: token)
            channel.writeAndFlush(channel.allocator.buffer(bytes: event.encoded()), promise: nil)
        }
        handler = XenStoreRequestHandler(store: store, connection: connection, domid: domid)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let handler { store.disconnect(handler.connection) }
        handler = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let request = unwrapInboundIn(data)
        guard let handler else { return }
        for reply in handler.handle(request) {
            context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: reply.encoded())), promise: nil)
        }
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("xenstore connection closed", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }
}
