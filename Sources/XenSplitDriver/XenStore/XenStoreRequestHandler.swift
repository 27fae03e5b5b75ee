// SPDX-License-Identifier: Apache-2.0

/// Answers xs_wire requests of one connection from a ``XenStore``: parses the payload, runs the operation
/// and builds the reply (or ERROR with the errno's name). Free of I/O, so tests drive it from memory.
///
/// A connection on the unix socket is privileged, dom0, as in xenstored; relative paths resolve under
/// `/local/domain/<domid>`.
public struct XenStoreRequestHandler: Sendable {
    public let store: XenStore
    public let connection: UInt64
    public let domid: UInt32

    private static let ok = Array("OK".utf8) + [0]

    public init(store: XenStore, connection: UInt64, domid: UInt32 = 0) {
        self.store = store
        self.connection = connection
        self.domid = domid
    }

    /// The replies to `request`, in order: one, plus the initial event after a WATCH.
    public func handle(_ request: XenStoreMessage) -> [XenStoreMessage] {
        do throws(XenStoreError) {
            return try answer(request)
        } catch {
            return [.error(error, replyingTo: request)]
        }
    }

    private func answer(_ request: XenStoreMessage) throws(XenStoreError) -> [XenStoreMessage] {
        let payload = XenStorePayload(request.payload)
        let tx = request.transactionID
        func path(_ index: Int = 0) throws(XenStoreError) -> XenStorePath {
            try XenStorePath(try payload.string(index), caller: domid)
        }
        func watched() throws(XenStoreError) -> XenStorePath {
            try XenStorePath(watching: try payload.string(0), caller: domid)
        }
        func reply(_ bytes: [UInt8]) -> [XenStoreMessage] { [.reply(to: request, bytes)] }

        switch request.type {
        case .read:
            return reply(try store.read(try path(), caller: domid, transaction: tx))
        case .directory:
            let names = try store.directory(try path(), caller: domid, transaction: tx)
            let bytes = names.flatMap { (name) -> [UInt8] in Array(name.utf8) + [0] }
            // Longer than a reply may be: libxenstore then asks with DIRECTORY_PART, which answers E2BIG too.
            guard bytes.count <= XenStoreMessage.payloadLimit else { throw .tooBig }
            return reply(bytes)
        case .getPermissions:
            let permissions = try store.permissions(try path(), caller: domid, transaction: tx)
            return reply(permissions.flatMap { (permission) -> [UInt8] in Array(permission.description.utf8) + [0] })
        case .write:
            guard let separator = request.payload.firstIndex(of: 0) else { throw .invalid }
            let target = try path()
            try store.write(target, Array(request.payload[(separator + 1)...]), caller: domid, transaction: tx)
            return reply(Self.ok)
        case .mkdir:
            try store.mkdir(try path(), caller: domid, transaction: tx)
            return reply(Self.ok)
        case .remove:
            try store.remove(try path(), caller: domid, transaction: tx)
            return reply(Self.ok)
        case .setPermissions:
            let strings = try payload.strings()
            let permissions = try strings.dropFirst().map { text throws(XenStoreError) in
                guard let permission = XenStorePermission(text) else { throw .invalid }
                return permission
            }
            try store.setPermissions(try path(), permissions, caller: domid, transaction: tx)
            return reply(Self.ok)
        case .watch:
            let text = try payload.string(0)
            let relative = !text.hasPrefix("/") && !text.hasPrefix("@")
            let event = try store.watch(
                try watched(), token: try payload.string(1), connection: connection,
                relativeTo: relative ? domid : nil)
            return reply(Self.ok) + [Self.watchEvent(event, token: try payload.string(1))]
        case .unwatch:
            try store.unwatch(try watched(), token: try payload.string(1), connection: connection)
            return reply(Self.ok)
        case .resetWatches:
            store.resetWatches(connection: connection)
            return reply(Self.ok)
        case .transactionStart:
            guard tx == 0 else { throw .busy }
            let id = try store.startTransaction(connection: connection, caller: domid)
            return reply(Array(String(id).utf8) + [0])
        case .transactionEnd:
            let verdict = try payload.string(0)
            guard verdict == "T" || verdict == "F" else { throw .invalid }
            try store.endTransaction(tx, connection: connection, commit: verdict == "T")
            return reply(Self.ok)
        case .getDomainPath:
            guard let target = UInt32(try payload.string(0)) else { throw .invalid }
            return reply(Array(XenStorePath.domainPath(target).utf8) + [0])
        case .isDomainIntroduced:
            guard let target = UInt32(try payload.string(0)) else { throw .invalid }
            // Only dom0 exists until domains are introduced by the split driver's toolstack.
            return reply(Array((target == 0 ? "T" : "F").utf8) + [0])
        case .introduce, .release, .resume, .setTarget, .directoryPart:
            throw request.type == .directoryPart ? .tooBig : .notImplemented
        default:
            throw .invalid
        }
    }

    /// A WATCH_EVENT: `path\0token\0`, request and transaction ids 0.
    static func watchEvent(_ path: String, token: String) -> XenStoreMessage {
        XenStoreMessage(type: .watchEvent, payload: Array(path.utf8) + [0] + Array(token.utf8) + [0])
    }
}
