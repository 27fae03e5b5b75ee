// SPDX-License-Identifier: Apache-2.0

import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A guest domain's connection to the hypervisor (``HypervisorServer``): claims the domain id at connect time
/// and keeps the domain alive while connected. Calls are serialized; each is one request and one reply.
public final class HypervisorClient: DomainHandle {
    public let domid: DomainID
    public let grantTable: SharedPage
    private let socket: Mutex<UnixSocket>
    private let xenstoreConnection: Mutex<UnixSocket?>

    /// Connects to the hypervisor at `socketPath` as domain `domid`.
    ///
    /// - Throws: `.domainBusy` when another process runs that domain already, `.badDomain` for domain 0 or a
    ///   reserved id, `.connectFailed` when no hypervisor listens there.
    public init(socketPath: String, domid: DomainID) throws(XenError) {
        let connection = try UnixSocket.connect(to: socketPath, kind: .seqpacket)
        let (_, descriptors) = try Self.call(connection, .hello, [domid])
        guard let table = descriptors.first else {
            throw XenError(.protocolViolation, "the hypervisor sent no grant table")
        }
        defer { Glibc.close(table) }
        self.domid = domid
        self.grantTable = try SharedPage(mapping: table, writable: true)
        self.socket = Mutex(connection)
        self.xenstoreConnection = Mutex(descriptors.dropFirst().first.map(UnixSocket.init(adopting:)))
    }

    /// The connection to xenstored that the hypervisor made for this domain (nil if it makes none): on it,
    /// xenstored applies this domain's permissions and resolves relative paths under /local/domain/<domid>.
    /// Handed out once.
    public func takeXenStoreConnection() -> UnixSocket? {
        xenstoreConnection.withLock { connection in
            defer { connection = nil }
            return connection
        }
    }

    /// Ends the domain (its grants and ports go with it).
    public func disconnect() {
        socket.withLock { $0.close() }
    }

    public func allocatePage() throws(XenError) -> (frame: FrameNumber, page: SharedPage) {
        let (values, descriptors) = try call(.allocateFrame, [])
        return (values[0], try adoptPage(descriptors, writable: true))
    }

    public func allocateUnbound(remote: DomainID) throws(XenError) -> EventChannel {
        let (values, descriptors) = try call(.allocateUnbound, [remote])
        return try channel(values[0], descriptors)
    }

    public func bindInterdomain(remote: DomainID, port: EventPort) throws(XenError) -> EventChannel {
        let (values, descriptors) = try call(.bindInterdomain, [remote, port])
        return try channel(values[0], descriptors)
    }

    public func close(_ channel: EventChannel) throws(XenError) {
        _ = try call(.closePort, [channel.port])
    }

    /// EVTCHNOP_send through the hypervisor (``EventChannel/notify()`` is the direct path).
    public func notifyThroughHypervisor(_ port: EventPort) throws(XenError) {
        _ = try call(.notify, [port])
    }

    public func mapGrant(granter: DomainID, ref: GrantRef, writable: Bool) throws(XenError) -> MappedGrant {
        let (values, descriptors) = try call(.mapGrant, [granter, ref, writable ? 1 : 0])
        let handle = UInt64(values[0]) | UInt64(values[1]) << 32
        do {
            return MappedGrant(
                granter: granter, ref: ref, handle: handle, page: try adoptPage(descriptors, writable: writable))
        } catch {
            _ = try? call(.unmapGrant, [values[0], values[1]])
            throw error
        }
    }

    public func unmap(_ mapping: MappedGrant) throws(XenError) {
        _ = try call(
            .unmapGrant, [UInt32(truncatingIfNeeded: mapping.handle), UInt32(truncatingIfNeeded: mapping.handle >> 32)])
    }

    // MARK: - Private

    private func call(
        _ operation: HypervisorProtocol.Operation, _ arguments: [UInt32]
    ) throws(XenError) -> ([UInt32], [Int32]) {
        try socket.withLock { (connection: inout UnixSocket) throws(XenError) in
            try Self.call(connection, operation, arguments)
        }
    }

    private static func call(
        _ connection: UnixSocket, _ operation: HypervisorProtocol.Operation, _ arguments: [UInt32]
    ) throws(XenError) -> ([UInt32], [Int32]) {
        let padded = [operation.rawValue] + arguments + Array(repeating: 0, count: 3 - arguments.count)
        try connection.send(HypervisorProtocol.words(padded))
        let (reply, descriptors) = try connection.receive(capacity: 4096)
        guard reply.count >= HypervisorProtocol.replyHeaderSize else {
            for descriptor in descriptors { Glibc.close(descriptor) }
            throw XenError(.connectionLost, "the hypervisor closed the connection")
        }
        let status = HypervisorProtocol.word(reply, 0)
        guard status == 0 else {
            for descriptor in descriptors { Glibc.close(descriptor) }
            let reason = String(decoding: reply.dropFirst(HypervisorProtocol.replyHeaderSize), as: UTF8.self)
            throw HypervisorProtocol.error(status: status, reason: reason)
        }
        return ((1...3).map { HypervisorProtocol.word(reply, $0) }, descriptors)
    }

    private func adoptPage(_ descriptors: [Int32], writable: Bool) throws(XenError) -> SharedPage {
        guard let descriptor = descriptors.first else {
            throw XenError(.protocolViolation, "the hypervisor sent no page")
        }
        defer { for extra in descriptors { Glibc.close(extra) } }
        return try SharedPage(mapping: descriptor, writable: writable)
    }

    private func channel(_ port: EventPort, _ descriptors: [Int32]) throws(XenError) -> EventChannel {
        guard descriptors.count == 3 else {
            for descriptor in descriptors { Glibc.close(descriptor) }
            throw XenError(.protocolViolation, "the hypervisor sent \(descriptors.count) event descriptors, not 3")
        }
        return EventChannel(port: port, descriptors: descriptors)
    }
}
