// SPDX-License-Identifier: Apache-2.0

import Synchronization

/// The xenstore daemon's state, shared by all connections: the live tree, open transactions, and watches.
/// Thread-safe (one lock); the wire protocol (``XenStoreRequestHandler``) and tests call it directly.
///
/// Watch events are delivered through each connection's ``XenStoreWatchSink`` after the lock is released.
/// Changes made inside a transaction reach watches only when it commits. Every change to the live tree is
/// handed to ``persist`` (under the lock, so saved trees are ordered) before the caller is answered.
public final class XenStore: Sendable {
    /// Where a connection's watch events go: `(event path, token)`.
    public typealias WatchSink = @Sendable (_ path: String, _ token: String) -> Void

    struct Watch: Sendable {
        let connection: UInt64
        let path: XenStorePath
        let token: String
        /// The domain whose path a relative watch path was resolved under; events come back relative to it.
        let relativeTo: UInt32?
    }

    struct State: Sendable {
        var tree: XenStoreTree
        var transactions: [UInt32: XenStoreTransaction] = [:]
        var nextTransaction: UInt32 = 1
        var watches: [Watch] = []
        var sinks: [UInt64: WatchSink] = [:]
        var nextConnection: UInt64 = 1
    }

    /// At most this many open transactions per connection (xenstored's default quota is 10).
    public static let transactionLimit = 10

    private let state: Mutex<State>
    private let persist: @Sendable (XenStoreTree) throws -> Void

    /// - Parameter persist: stores a changed tree durably; a failure fails the change with EIO.
    public init(
        tree: XenStoreTree = XenStoreTree(), persist: @escaping @Sendable (XenStoreTree) throws -> Void = { _ in }
    ) {
        self.state = Mutex(State(tree: tree))
        self.persist = persist
    }

    /// A snapshot of the live tree.
    public var tree: XenStoreTree { state.withLock { $0.tree } }

    // MARK: - Connections

    /// Registers a connection and where its watch events go; returns its id.
    public func connect(sink: @escaping WatchSink) -> UInt64 {
        state.withLock { state in
            let id = state.nextConnection
            state.nextConnection += 1
            state.sinks[id] = sink
            return id
        }
    }

    /// Drops a connection's watches and aborts its transactions.
    public func disconnect(_ connection: UInt64) {
        state.withLock { state in
            state.sinks[connection] = nil
            state.watches.removeAll { $0.connection == connection }
            state.transactions = state.transactions.filter { $0.value.connection != connection }
        }
    }

    // MARK: - Reads

    public func read(_ path: XenStorePath, caller: UInt32, transaction: UInt32 = 0) throws(XenStoreError) -> [UInt8] {
        try withTree(transaction, path) { tree throws(XenStoreError) in try tree.read(path, caller: caller) }
    }

    public func directory(
        _ path: XenStorePath, caller: UInt32, transaction: UInt32 = 0
    ) throws(XenStoreError) -> [String] {
        try withTree(transaction, path) { tree throws(XenStoreError) in try tree.directory(path, caller: caller) }
    }

    public func permissions(
        _ path: XenStorePath, caller: UInt32, transaction: UInt32 = 0
    ) throws(XenStoreError) -> [XenStorePermission] {
        try withTree(transaction, path) { tree throws(XenStoreError) in try tree.permissions(path, caller: caller) }
    }

    // MARK: - Changes

    public func write(
        _ path: XenStorePath, _ value: [UInt8], caller: UInt32, transaction: UInt32 = 0
    ) throws(XenStoreError) {
        try change(transaction, path, .write(path, value), caller: caller)
    }

    public func mkdir(_ path: XenStorePath, caller: UInt32, transaction: UInt32 = 0) throws(XenStoreError) {
        try change(transaction, path, .mkdir(path), caller: caller)
    }

    public func remove(_ path: XenStorePath, caller: UInt32, transaction: UInt32 = 0) throws(XenStoreError) {
        try change(transaction, path, .remove(path), caller: caller)
    }

    public func setPermissions(
        _ path: XenStorePath, _ permissions: [XenStorePermission], caller: UInt32, transaction: UInt32 = 0
    ) throws(XenStoreError) {
        try change(transaction, path, .setPermissions(path, permissions), caller: caller)
    }

    // MARK: - Transactions

    public func startTransaction(connection: UInt64, caller: UInt32) throws(XenStoreError) -> UInt32 {
        try state.withLock { (state: inout State) throws(XenStoreError) -> UInt32 in
            guard state.transactions.values.count(where: { $0.connection == connection }) < Self.transactionLimit
            else { throw .noSpace }
            var id = state.nextTransaction
            while id == 0 || state.transactions[id] != nil { id &+= 1 }
            state.nextTransaction = id &+ 1
            state.transactions[id] = XenStoreTransaction(
                connection: connection, caller: caller, startGeneration: state.tree.generation, tree: state.tree)
            return id
        }
    }

    /// Commits (`commit`) or aborts a transaction. A commit that conflicts with a change made meanwhile
    /// fails with EAGAIN and changes nothing.
    public func endTransaction(_ id: UInt32, connection: UInt64, commit: Bool) throws(XenStoreError) {
        let events = try state.withLock { (state: inout State) throws(XenStoreError) -> [Event] in
            guard let transaction = state.transactions[id], transaction.connection == connection else {
                throw .noEntry
            }
            state.transactions[id] = nil
            guard commit, !transaction.operations.isEmpty else { return [] }
            guard !transaction.conflicts(with: state.tree) else { throw .again }
            var tree = state.tree
            var changes: [XenStoreTree.Change] = []
            for operation in transaction.operations {
                // Without a conflict the replay meets the state the transaction saw, so it succeeds as it did.
                if let change = try Self.apply(operation, to: &tree, caller: transaction.caller) {
                    changes.append(change)
                }
            }
            try commitLive(tree, &state)
            return Self.events(for: Self.merged(changes), in: state)
        }
        deliver(events)
    }

    // MARK: - Watches

    /// Adds a watch. Returns the event path of the initial firing that xenstored sends at once, which the
    /// caller delivers after its reply to WATCH.
    public func watch(
        _ path: XenStorePath, token: String, connection: UInt64, relativeTo domid: UInt32?
    ) throws(XenStoreError) -> String {
        try state.withLock { (state: inout State) throws(XenStoreError) in
            guard
                !state.watches.contains(where: { $0.connection == connection && $0.path == path && $0.token == token })
            else { throw .exists }
            state.watches.append(Watch(connection: connection, path: path, token: token, relativeTo: domid))
        }
        return domid.map { path.relative(to: $0) } ?? path.string
    }

    public func unwatch(_ path: XenStorePath, token: String, connection: UInt64) throws(XenStoreError) {
        try state.withLock { (state: inout State) throws(XenStoreError) in
            guard
                let index = state.watches.firstIndex(where: {
                    $0.connection == connection && $0.path == path && $0.token == token
                })
            else { throw .noEntry }
            state.watches.remove(at: index)
        }
    }

    /// Fires the watches on a special path (`@introduceDomain`, `@releaseDomain`): xenstored sends these when the
    /// hypervisor creates or destroys a domain, and drivers use them to notice a peer that died.
    public func fireSpecial(_ path: XenStorePath) {
        let events = state.withLock { state in
            state.watches.filter { $0.path == path }.compactMap { watch in
                state.sinks[watch.connection].map { Event(sink: $0, path: path.string, token: watch.token) }
            }
        }
        deliver(events)
    }

    /// Watches registered now, on all connections (for tests and diagnostics).
    var watchCount: Int { state.withLock { $0.watches.count } }

    /// RESET_WATCHES: drops all of a connection's watches.
    public func resetWatches(connection: UInt64) {
        state.withLock { $0.watches.removeAll { $0.connection == connection } }
    }

    // MARK: - Private

    private struct Event {
        let sink: WatchSink
        let path: String
        let token: String
    }

    private func withTree<T>(
        _ transaction: UInt32, _ path: XenStorePath, _ body: (XenStoreTree) throws(XenStoreError) -> T
    ) throws(XenStoreError) -> T {
        try state.withLock { (state: inout State) throws(XenStoreError) -> T in
            guard transaction != 0 else { return try body(state.tree) }
            guard state.transactions[transaction] != nil else { throw .noEntry }
            state.transactions[transaction]?.accessed.insert(path)
            // The transaction's own tree; reading it does not copy.
            return try body(state.transactions[transaction]!.tree)
        }
    }

    private func change(
        _ transaction: UInt32, _ path: XenStorePath, _ operation: XenStoreTransaction.Operation, caller: UInt32
    ) throws(XenStoreError) {
        let events = try state.withLock { (state: inout State) throws(XenStoreError) -> [Event] in
            if transaction != 0 {
                guard var open = state.transactions[transaction] else { throw .noEntry }
                state.transactions[transaction] = nil
                defer { state.transactions[transaction] = open }
                // What the change depends on: the node, the parent a removal edits, and the parents whose
                // children a write or mkdir adds (up to the first one that exists already).
                open.accessed.insert(path)
                if case .remove = operation, let parent = path.parent { open.accessed.insert(parent) }
                var current = path
                while open.tree.node(current) == nil, let parent = current.parent {
                    open.accessed.insert(parent)
                    current = parent
                }
                _ = try Self.apply(operation, to: &open.tree, caller: caller)
                open.operations.append(operation)
                return []
            }
            var tree = state.tree
            guard let change = try Self.apply(operation, to: &tree, caller: caller) else { return [] }
            try commitLive(tree, &state)
            return Self.events(for: [change], in: state)
        }
        deliver(events)
    }

    private func commitLive(_ tree: XenStoreTree, _ state: inout State) throws(XenStoreError) {
        do {
            try persist(tree)
        } catch {
            throw .io
        }
        state.tree = tree
    }

    private static func apply(
        _ operation: XenStoreTransaction.Operation, to tree: inout XenStoreTree, caller: UInt32
    ) throws(XenStoreError) -> XenStoreTree.Change? {
        switch operation {
        case .write(let path, let value): return try tree.write(path, value, caller: caller)
        case .mkdir(let path): return try tree.mkdir(path, caller: caller)
        case .remove(let path): return try tree.remove(path, caller: caller)
        case .setPermissions(let path, let permissions):
            return try tree.setPermissions(path, permissions, caller: caller)
        }
    }

    /// The events `changes` fire: a watch fires for a change at or below its path, and (with its own path)
    /// for the removal of a subtree that contained its node. xenstored stays silent for a watch on a path
    /// that did not exist when its ancestor was removed.
    private static func events(for changes: [XenStoreTree.Change], in state: State) -> [Event] {
        var events: [Event] = []
        for watch in state.watches {
            guard let sink = state.sinks[watch.connection] else { continue }
            for change in changes {
                let fired: XenStorePath
                if change.path.isWithin(watch.path) {
                    fired = change.path
                } else if change.removed, change.removedPaths.contains(watch.path) {
                    fired = watch.path
                } else {
                    continue
                }
                let path = watch.relativeTo.map { fired.relative(to: $0) } ?? fired.string
                events.append(Event(sink: sink, path: path, token: watch.token))
            }
        }
        return events
    }

    /// A committed transaction reports each node it changed once, in the order of its first change, as
    /// xenstored does (`xenstore-write /a 1 /a 2` fires one event for `/a`).
    private static func merged(_ changes: [XenStoreTree.Change]) -> [XenStoreTree.Change] {
        var merged: [XenStoreTree.Change] = []
        var position: [XenStorePath: Int] = [:]
        for change in changes {
            guard let index = position[change.path] else {
                position[change.path] = merged.count
                merged.append(change)
                continue
            }
            merged[index].removed = merged[index].removed || change.removed
            merged[index].removedPaths.formUnion(change.removedPaths)
        }
        return merged
    }

    private func deliver(_ events: [Event]) {
        for event in events { event.sink(event.path, event.token) }
    }
}
