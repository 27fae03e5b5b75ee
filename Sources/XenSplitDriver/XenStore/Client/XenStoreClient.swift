// SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization

/// A blocking xs_wire client on xenstored's unix socket, for the frontend and the toolstack (what libxenstore is
/// to Xen's tools). Thread-safe: requests are serialized, and a reader thread separates replies from watch
/// events, which queue until ``nextWatchEvent(timeoutMilliseconds:)`` takes them.
public final class XenStoreClient: Sendable {
    public struct WatchEvent: Hashable, Sendable {
        public let path: String
        public let token: String
    }

    private struct Inbox {
        var replies: [XenStoreMessage] = []
        var events: [WatchEvent] = []
        var closed = false
    }

    private let socket: UnixSocket
    private let requestLock = Mutex<Void>(())
    private let inbox = Mutex(Inbox())
    private let replyArrived: EventSignal
    private let eventArrived: EventSignal

    /// Connects to xenstored at `socketPath` (XENSTORED_PATH).
    public convenience init(socketPath: String) throws(XenError) {
        try self.init(connection: try UnixSocket.connect(to: socketPath, kind: .stream))
    }

    /// Speaks xs_wire on an open connection: a guest's own, handed over by the hypervisor
    /// (``HypervisorClient/takeXenStoreConnection()``), on which xenstored knows the guest's domain.
    public init(connection: UnixSocket) throws(XenError) {
        socket = connection
        replyArrived = try EventSignal()
        eventArrived = try EventSignal()
        Thread.detachNewThread { [self] in readLoop() }
    }

    /// Closes the connection; blocked calls fail with `.connectionLost`. The reader thread keeps the client alive
    /// until then, so every client must be closed.
    public func close() { socket.shutdown() }

    // MARK: - Operations

    /// The value at `path`; nil if there is no such node.
    public func read(_ path: String, transaction: UInt32 = 0) throws(XenError) -> String? {
        do {
            return String(decoding: try request(.read, [path], transaction: transaction), as: UTF8.self)
        } catch  where error.storeError == .noEntry {
            return nil
        }
    }

    public func write(_ path: String, _ value: String, transaction: UInt32 = 0) throws(XenError) {
        _ = try request(.write, [path], value: Array(value.utf8), transaction: transaction)
    }

    public func mkdir(_ path: String, transaction: UInt32 = 0) throws(XenError) {
        _ = try request(.mkdir, [path], transaction: transaction)
    }

    public func remove(_ path: String, transaction: UInt32 = 0) throws(XenError) {
        _ = try request(.remove, [path], transaction: transaction)
    }

    /// The children of `path`; nil if there is no such node.
    public func directory(_ path: String, transaction: UInt32 = 0) throws(XenError) -> [String]? {
        do {
            let payload = try request(.directory, [path], transaction: transaction)
            return payload.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        } catch  where error.storeError == .noEntry {
            return nil
        }
    }

    public func permissions(_ path: String, transaction: UInt32 = 0) throws(XenError) -> [XenStorePermission] {
        let payload = try request(.getPermissions, [path], transaction: transaction)
        return payload.split(separator: 0).compactMap { XenStorePermission(String(decoding: $0, as: UTF8.self)) }
    }

    public func setPermissions(
        _ path: String, _ permissions: [XenStorePermission], transaction: UInt32 = 0
    ) throws(XenError) {
        _ = try request(.setPermissions, [path] + permissions.map(\.description), transaction: transaction)
    }

    /// Runs `body` in a transaction and commits it, starting again when the commit meets a conflict (EAGAIN), as
    /// libxenstore's users do. A failure in `body` aborts the transaction.
    public func transaction<T>(_ body: (UInt32) throws(XenError) -> T) throws(XenError) -> T {
        for _ in 0..<100 {
            let started = try request(.transactionStart, [""])
            guard let id = UInt32(String(decoding: started.prefix { $0 != 0 }, as: UTF8.self)) else {
                throw XenError(.protocolViolation, "xenstored sent a transaction id that is not a number")
            }
            let result: T
            do {
                result = try body(id)
            } catch {
                _ = try? request(.transactionEnd, ["F"], transaction: id)
                throw error
            }
            do {
                _ = try request(.transactionEnd, ["T"], transaction: id)
                return result
            } catch  where error.storeError == .again {
                continue
            }
        }
        throw XenError(.xenstore, "a transaction kept conflicting with other changes", storeError: .again)
    }

    /// Registers a watch; its first event (the registration echo) arrives like any other.
    public func watch(_ path: String, token: String) throws(XenError) {
        _ = try request(.watch, [path, token])
    }

    public func unwatch(_ path: String, token: String) throws(XenError) {
        _ = try request(.unwatch, [path, token])
    }

    /// The next watch event; nil if none came within `timeoutMilliseconds` (nil: wait indefinitely).
    public func nextWatchEvent(timeoutMilliseconds: Int32? = nil) throws(XenError) -> WatchEvent? {
        while true {
            let (event, closed) = inbox.withLock { inbox -> (WatchEvent?, Bool) in
                (inbox.events.isEmpty ? nil : inbox.events.removeFirst(), inbox.closed)
            }
            if let event { return event }
            if closed { throw XenError(.connectionLost, "the xenstore connection closed") }
            if let timeoutMilliseconds {
                guard eventArrived.wait(milliseconds: timeoutMilliseconds) != nil else { return nil }
            } else {
                eventArrived.wait()
            }
        }
    }

    // MARK: - Wire

    private func request(
        _ type: XenStoreMessageType, _ strings: [String], value: [UInt8]? = nil, transaction: UInt32 = 0
    ) throws(XenError) -> [UInt8] {
        var payload: [UInt8] = []
        for string in strings { payload += Array(string.utf8) + [0] }
        if let value { payload += value }
        if type == .transactionStart { payload = [0] }
        guard payload.count <= XenStoreMessage.payloadLimit else {
            throw XenError(.invalidArgument, "a xenstore request of \(payload.count) bytes is too long")
        }
        let message = XenStoreMessage(type: type, transactionID: transaction, payload: payload)
        return try requestLock.withLock { _ throws(XenError) -> [UInt8] in
            try socket.send(message.encoded())
            let reply = try awaitReply()
            if reply.type == .error {
                let name = String(decoding: reply.payload.prefix { $0 != 0 }, as: UTF8.self)
                let error = XenStoreError(rawValue: name) ?? .invalid
                throw XenError(.xenstore, "\(type) \(strings.first ?? ""): \(name)", storeError: error)
            }
            guard reply.type == type else {
                throw XenError(.protocolViolation, "xenstored answered \(type) with \(reply.type)")
            }
            return reply.payload
        }
    }

    private func awaitReply() throws(XenError) -> XenStoreMessage {
        while true {
            let (reply, closed) = inbox.withLock { inbox -> (XenStoreMessage?, Bool) in
                (inbox.replies.isEmpty ? nil : inbox.replies.removeFirst(), inbox.closed)
            }
            if let reply { return reply }
            if closed { throw XenError(.connectionLost, "the xenstore connection closed") }
            replyArrived.wait()
        }
    }

    private func readLoop() {
        while let header = try? socket.receiveExactly(XenStoreMessage.headerSize) {
            let length = XenStoreMessage.payloadLength(header)
            guard length <= XenStoreMessage.payloadLimit,
                let payload = length == 0 ? [] : try? socket.receiveExactly(length)
            else { break }
            let message = XenStoreMessage(decoding: header + payload)
            if message.type == .watchEvent {
                let fields = message.payload.split(separator: 0, omittingEmptySubsequences: false)
                    .map { String(decoding: $0, as: UTF8.self) }
                let event = WatchEvent(path: fields.first ?? "", token: fields.count > 1 ? fields[1] : "")
                inbox.withLock { $0.events.append(event) }
                eventArrived.signal()
            } else {
                inbox.withLock { $0.replies.append(message) }
                replyArrived.signal()
            }
        }
        inbox.withLock { $0.closed = true }
        replyArrived.signal()
        eventArrived.signal()
    }
}
