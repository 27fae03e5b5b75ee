// SPDX-License-Identifier: Apache-2.0

import Synchronization
import Testing

@testable import XenSplitDriver

/// xenstored's semantics on the store itself: paths, the tree, permissions, transactions and watches.
@Suite("xenstore semantics")
struct XenStoreTreeTests {
    static func path(_ text: String) throws -> XenStorePath { try XenStorePath(text) }

    @Test("path rules: characters, empty components, trailing slash, length; relative paths resolve per domain")
    func paths() throws {
        for bad in ["", "/a//b", "/a/", "/a b", "/a/ü", "a/", String(repeating: "a", count: 2049)] {
            #expect(throws: XenStoreError.invalid, "\(bad)") { try XenStorePath(bad) }
        }
        #expect(throws: XenStoreError.invalid) { try XenStorePath("/" + String(repeating: "a", count: 3072)) }
        // 2048 bytes, counted after a /local/domain/<domid>/ prefix (domid: up to 5 characters) when there is one.
        let name = String(repeating: "a", count: 2048)
        #expect(throws: XenStoreError.invalid) { try XenStorePath("/a" + name) }
        #expect(try XenStorePath("/local/domain/0/" + name).string.utf8.count == 2064)
        #expect(try XenStorePath(name, caller: 12345).string.utf8.count == 2068)
        #expect(throws: XenStoreError.invalid) { try XenStorePath("/local/domain/123456/" + name) }
        #expect(throws: XenStoreError.invalid) { try XenStorePath("/local/domain/0/a" + name) }
        // WATCH takes any text after @ (there is nothing to resolve); other requests want a valid name.
        #expect(try XenStorePath(watching: "@odd name/x").isSpecial)
        #expect(throws: XenStoreError.invalid) { try XenStorePath("@odd name/x") }
        #expect(try XenStorePath("/").string == "/")
        #expect(try XenStorePath("device/vtpm/0", caller: 7).string == "/local/domain/7/device/vtpm/0")
        #expect(try XenStorePath("@introduceDomain").isSpecial)
        let nested = try Self.path("/local/domain/7/device")
        #expect(nested.relative(to: 7) == "device")
        #expect(try Self.path("/a/bc").isWithin(Self.path("/a/b")) == false)
        #expect(try Self.path("/a/b/c").isWithin(Self.path("/a/b")))
    }

    @Test("write creates parents with empty values; read, directory and rm follow xenstored")
    func treeOperations() throws {
        var tree = XenStoreTree()
        try tree.write(Self.path("/a/b/c"), Array("v".utf8), caller: 0)
        #expect(try tree.read(Self.path("/a/b/c"), caller: 0) == Array("v".utf8))
        #expect(try tree.read(Self.path("/a/b"), caller: 0) == [])
        try tree.write(Self.path("/a/b/d"), [], caller: 0)
        #expect(try tree.directory(Self.path("/a/b"), caller: 0) == ["c", "d"])
        #expect(throws: XenStoreError.noEntry) { try tree.read(Self.path("/a/x"), caller: 0) }
        // A missing node under an existing parent: fine; under a missing parent: ENOENT.
        #expect(try tree.remove(Self.path("/a/x"), caller: 0) == nil)
        #expect(throws: XenStoreError.noEntry) { try tree.remove(Self.path("/a/x/y"), caller: 0) }
        #expect(throws: XenStoreError.invalid) { try tree.remove(Self.path("/"), caller: 0) }
        try tree.remove(Self.path("/a/b"), caller: 0)
        #expect(tree.node(try Self.path("/a/b/c")) == nil)
        #expect(try tree.directory(Self.path("/a"), caller: 0) == [])
        #expect(try tree.mkdir(Self.path("/a"), caller: 0) == nil, "mkdir of an existing node changes nothing")
    }

    @Test("permissions: the owner always has access, the first entry's letter is everyone else's default")
    func permissions() throws {
        var tree = XenStoreTree()
        let node = try Self.path("/local/domain/0/backend")
        try tree.write(node, Array("x".utf8), caller: 0)
        #expect(try tree.permissions(node, caller: 0) == [XenStorePermission(.none, 0)])
        #expect(throws: XenStoreError.accessDenied) { try tree.read(node, caller: 5) }
        try tree.setPermissions(node, [XenStorePermission(.none, 0), XenStorePermission(.read, 5)], caller: 0)
        #expect(try tree.read(node, caller: 5) == Array("x".utf8))
        #expect(throws: XenStoreError.accessDenied) { try tree.write(node, [], caller: 5) }
        #expect(throws: XenStoreError.accessDenied) { try tree.read(node, caller: 6) }
        // Owned by domain 5 with read for all: 5 writes and creates children (which it owns); 6 only reads.
        try tree.setPermissions(node, [XenStorePermission(.read, 5)], caller: 0)
        try tree.write(node.child("mine"), [1], caller: 5)
        #expect(try tree.permissions(node.child("mine"), caller: 0).first == XenStorePermission(.read, 5))
        #expect(try tree.read(node, caller: 6) == Array("x".utf8))
        #expect(throws: XenStoreError.accessDenied) { try tree.write(node.child("x"), [], caller: 6) }
        // Only the owner may change permissions, and only dom0 may give a node away.
        #expect(throws: XenStoreError.accessDenied) {
            try tree.setPermissions(node, [XenStorePermission(.both, 6)], caller: 6)
        }
        #expect(throws: XenStoreError.accessDenied) {
            try tree.setPermissions(node, [XenStorePermission(.both, 6)], caller: 5)
        }
        try tree.setPermissions(node, [XenStorePermission(.both, 5)], caller: 5)
        // An owner from the reserved domids (DOMID_FIRST_RESERVED on) names no domain: ENOENT.
        #expect(throws: XenStoreError.noEntry) {
            try tree.setPermissions(node, [XenStorePermission(.both, 0x7FF0)], caller: 0)
        }
        try tree.setPermissions(node, [XenStorePermission(.both, 5), XenStorePermission(.read, 0xFFFF)], caller: 0)
        // The special watch names keep a permission list (changing it is no watch event); other @names do not.
        let introduce = try Self.path("@introduceDomain")
        #expect(try tree.permissions(introduce, caller: 0) == [XenStorePermission(.none, 0)])
        #expect(try tree.setPermissions(introduce, [XenStorePermission(.read, 3)], caller: 0) == nil)
        #expect(try tree.permissions(introduce, caller: 0) == [XenStorePermission(.read, 3)])
        #expect(throws: XenStoreError.invalid) { try tree.read(introduce, caller: 0) }
        #expect(throws: XenStoreError.invalid) {
            try tree.setPermissions(Self.path("@other"), [XenStorePermission(.read, 3)], caller: 0)
        }
        #expect(XenStorePermission("r5") == XenStorePermission(.read, 5))
        #expect(XenStorePermission("x5") == nil && XenStorePermission("r") == nil && XenStorePermission("r-1") == nil)
    }

    @Test("transactions: commit applies, abort discards, a conflicting change makes the commit EAGAIN")
    func transactions() throws {
        let store = XenStore()
        let connection = store.connect { _, _ in }
        let first = try store.startTransaction(connection: connection, caller: 0)
        try store.write(Self.path("/t/a"), [1], caller: 0, transaction: first)
        #expect(throws: XenStoreError.noEntry) { try store.read(Self.path("/t/a"), caller: 0) }
        #expect(try store.read(Self.path("/t/a"), caller: 0, transaction: first) == [1])
        try store.endTransaction(first, connection: connection, commit: true)
        #expect(try store.read(Self.path("/t/a"), caller: 0) == [1])

        let aborted = try store.startTransaction(connection: connection, caller: 0)
        try store.write(Self.path("/t/a"), [2], caller: 0, transaction: aborted)
        try store.endTransaction(aborted, connection: connection, commit: false)
        #expect(try store.read(Self.path("/t/a"), caller: 0) == [1])

        let conflicting = try store.startTransaction(connection: connection, caller: 0)
        _ = try store.read(Self.path("/t/a"), caller: 0, transaction: conflicting)
        try store.write(Self.path("/t/b"), [3], caller: 0, transaction: conflicting)
        try store.write(Self.path("/t/a"), [9], caller: 0)
        #expect(throws: XenStoreError.again) {
            try store.endTransaction(conflicting, connection: connection, commit: true)
        }
        #expect(throws: XenStoreError.noEntry) { try store.read(Self.path("/t/b"), caller: 0) }
        #expect(throws: XenStoreError.noEntry) {
            try store.endTransaction(conflicting, connection: connection, commit: true)
        }

        // An unrelated change does not conflict.
        let unrelated = try store.startTransaction(connection: connection, caller: 0)
        try store.write(Self.path("/t/c/x"), [4], caller: 0, transaction: unrelated)
        try store.write(Self.path("/u"), [5], caller: 0)
        try store.endTransaction(unrelated, connection: connection, commit: true)
        #expect(try store.read(Self.path("/t/c/x"), caller: 0) == [4])
    }

    @Test("watches: initial event, changes at or below the path, not siblings; removal of a parent; commits only")
    func watches() throws {
        let store = XenStore()
        let events = EventLog()
        let connection = store.connect { path, token in events.append("\(token):\(path)") }
        #expect(try store.watch(Self.path("/w/b"), token: "t", connection: connection, relativeTo: nil) == "/w/b")
        #expect(throws: XenStoreError.exists) {
            try store.watch(Self.path("/w/b"), token: "t", connection: connection, relativeTo: nil)
        }
        try store.write(Self.path("/w/b/c"), [1], caller: 0)
        try store.write(Self.path("/w/bc"), [1], caller: 0)
        try store.setPermissions(Self.path("/w/b"), [XenStorePermission(.read, 0)], caller: 0)
        let transaction = try store.startTransaction(connection: connection, caller: 0)
        try store.write(Self.path("/w/b/d"), [2], caller: 0, transaction: transaction)
        #expect(events.entries == ["t:/w/b/c", "t:/w/b"])
        try store.endTransaction(transaction, connection: connection, commit: true)
        // A watch on a node that never existed stays silent when its would-be ancestor goes.
        _ = try store.watch(Self.path("/w/b/never"), token: "n", connection: connection, relativeTo: nil)
        try store.remove(Self.path("/w"), caller: 0)
        #expect(events.entries == ["t:/w/b/c", "t:/w/b", "t:/w/b/d", "t:/w/b"])
        // A transaction reports each node once, in the order of its first change.
        try store.write(Self.path("/w/b"), [], caller: 0)
        let twice = try store.startTransaction(connection: connection, caller: 0)
        for (path, value) in [("/w/b/x", 1), ("/w/b/y", 2), ("/w/b/x", 3)] as [(String, UInt8)] {
            try store.write(Self.path(path), [value], caller: 0, transaction: twice)
        }
        try store.endTransaction(twice, connection: connection, commit: true)
        #expect(events.entries.suffix(3) == ["t:/w/b", "t:/w/b/x", "t:/w/b/y"])

        let relative = try XenStorePath("device/vtpm", caller: 0)
        #expect(try store.watch(relative, token: "r", connection: connection, relativeTo: 0) == "device/vtpm")
        try store.write(XenStorePath("/local/domain/0/device/vtpm/0/state"), [0x31], caller: 0)
        #expect(events.entries.last == "r:device/vtpm/0/state")
        try store.unwatch(relative, token: "r", connection: connection)
        #expect(throws: XenStoreError.noEntry) { try store.unwatch(relative, token: "r", connection: connection) }
    }
}

/// Collects watch events from the store's sink (called on the changing thread).
final class EventLog: Sendable {
    private let log = Mutex<[String]>([])
    var entries: [String] { log.withLock { $0 } }
    func append(_ entry: String) { log.withLock { $0.append(entry) } }
}
