// SPDX-License-Identifier: Apache-2.0

/// The xenstore tree as a value: nodes by path, each with a value, a permission list and its children in
/// creation order (the order DIRECTORY and `xenstore-ls` show). A transaction works on a copy; the copy is
/// cheap until it is written (copy-on-write storage).
///
/// Every change bumps ``generation`` and records it for the paths it touched (the node and, when children
/// come or go, its parent), which is how a transaction recognizes a conflicting change at commit.
public struct XenStoreTree: Hashable, Sendable {
    public struct Node: Hashable, Sendable {
        public var value: [UInt8]
        public var permissions: [XenStorePermission]
        public var children: [String]
    }

    /// A change to report to watches: `path` itself, or (`removed`) a whole subtree.
    public struct Change: Hashable, Sendable {
        public var path: XenStorePath
        public var removed: Bool
        /// Every node the removal deleted: a watch below `path` fires only if its own node was one of them.
        public var removedPaths: Set<XenStorePath> = []
    }

    /// The special names that xenstored keeps a permission list for (who may watch them). They are not
    /// nodes: reading or listing them is EINVAL. Until set, the list is dom0's with no access for others.
    public static let specialNames: Set<String> = ["@introduceDomain", "@releaseDomain"]

    /// DOMID_FIRST_RESERVED: ids from here on (DOMID_SELF, DOMID_IO ...) never name a domain.
    public static let firstReservedDomain: UInt32 = 0x7FF0

    private(set) var nodes: [XenStorePath: Node]
    /// Counts changes; a path's entry in ``changedAt`` is the generation of its last change.
    private(set) var generation: UInt64 = 0
    private(set) var changedAt: [XenStorePath: UInt64] = [:]

    /// The tree of a fresh xenstored: `/`, `/local`, `/local/domain`, `/local/domain/0`, `/tool`, owned by
    /// dom0 with no access for others.
    public init() {
        nodes = [.root: Node(value: [], permissions: [XenStorePermission(.none, 0)], children: [])]
        for path in ["/local", "/local/domain", "/local/domain/0", "/tool"] {
            // The names are valid literals.
            _ = try? mkdir(XenStorePath(path), caller: 0)
        }
        generation = 0
        changedAt = [:]
    }

    init(nodes: [XenStorePath: Node], generation: UInt64) {
        self.nodes = nodes
        self.generation = generation
    }

    public func node(_ path: XenStorePath) -> Node? { nodes[path] }

    public func read(_ path: XenStorePath, caller: UInt32) throws(XenStoreError) -> [UInt8] {
        try readable(path, caller).value
    }

    public func directory(_ path: XenStorePath, caller: UInt32) throws(XenStoreError) -> [String] {
        try readable(path, caller).children
    }

    public func permissions(_ path: XenStorePath, caller: UInt32) throws(XenStoreError) -> [XenStorePermission] {
        guard path.isSpecial else { return try readable(path, caller).permissions }
        let permissions = try special(path).permissions
        guard permissions.allows(caller, write: false) else { throw .accessDenied }
        return permissions
    }

    /// Writes `value`, creating missing parents with empty values.
    @discardableResult
    public mutating func write(_ path: XenStorePath, _ value: [UInt8], caller: UInt32) throws(XenStoreError) -> Change {
        try create(path, caller: caller)
        nodes[path]?.value = value
        touch(path)
        return Change(path: path, removed: false)
    }

    /// Creates the node (and missing parents) with an empty value; nil if it existed already.
    @discardableResult
    public mutating func mkdir(_ path: XenStorePath, caller: UInt32) throws(XenStoreError) -> Change? {
        if nodes[path] != nil {
            _ = try readable(path, caller)
            return nil
        }
        try create(path, caller: caller)
        return Change(path: path, removed: false)
    }

    /// Removes the node and everything below it. A missing node is fine if its parent exists.
    @discardableResult
    public mutating func remove(_ path: XenStorePath, caller: UInt32) throws(XenStoreError) -> Change? {
        guard !path.isSpecial, let parent = path.parent else { throw .invalid }
        guard let node = nodes[path] else {
            guard nodes[parent] != nil else { throw .noEntry }
            return nil
        }
        guard node.permissions.allows(caller, write: true) else { throw .accessDenied }
        var removed: Set<XenStorePath> = []
        removeSubtree(path, into: &removed)
        nodes[parent]?.children.removeAll { $0 == path.name }
        touch(parent)
        return Change(path: path, removed: true, removedPaths: removed)
    }

    /// Replaces the permission list of a node or a special name. Only the owner (or dom0) may, and only dom0
    /// may give the node away. The new owner must be able to exist: xenstored answers ENOENT for an owner that
    /// is no live domain; we do not track live domains, but a reserved id never is one. Watches hear of
    /// nodes' permission changes, not of special names' (nil), as with xenstored.
    @discardableResult
    public mutating func setPermissions(
        _ path: XenStorePath, _ permissions: [XenStorePermission], caller: UInt32
    ) throws(XenStoreError) -> Change? {
        guard let newOwner = permissions.first else { throw .invalid }
        let node: Node
        if path.isSpecial {
            node = try special(path)
        } else {
            guard let existing = nodes[path] else { throw .noEntry }
            node = existing
        }
        if caller != 0 {
            guard node.permissions.first?.domid == caller, newOwner.domid == caller else { throw .accessDenied }
        }
        guard newOwner.domid < Self.firstReservedDomain else { throw .noEntry }
        nodes[path] = Node(value: node.value, permissions: permissions, children: node.children)
        touch(path)
        return path.isSpecial ? nil : Change(path: path, removed: false)
    }

    /// Two trees are equal when their nodes are: the change bookkeeping is not content.
    public static func == (lhs: XenStoreTree, rhs: XenStoreTree) -> Bool { lhs.nodes == rhs.nodes }

    public func hash(into hasher: inout Hasher) { hasher.combine(nodes) }

    /// The last generation at which `path` changed (0: not since the tree was loaded).
    func lastChange(of path: XenStorePath) -> UInt64 { changedAt[path] ?? 0 }

    // MARK: - Private

    /// A special name's entry, which exists (with dom0's default list) before its permissions are first set.
    /// Other @names are EINVAL (Debian's xenstored 4.17 answers SET_PERMS on them inconsistently, then aborts).
    private func special(_ path: XenStorePath) throws(XenStoreError) -> Node {
        guard Self.specialNames.contains(path.string) else { throw .invalid }
        return nodes[path] ?? Node(value: [], permissions: [XenStorePermission(.none, 0)], children: [])
    }

    private func readable(_ path: XenStorePath, _ caller: UInt32) throws(XenStoreError) -> Node {
        guard !path.isSpecial else { throw .invalid }
        guard let node = nodes[path] else { throw .noEntry }
        guard node.permissions.allows(caller, write: false) else { throw .accessDenied }
        return node
    }

    /// Makes sure `path` exists, creating it and missing parents. A new node inherits its parent's
    /// permissions; one created by a domain other than dom0 is owned by that domain (xenstored's rule).
    private mutating func create(_ path: XenStorePath, caller: UInt32) throws(XenStoreError) {
        guard !path.isSpecial else { throw .invalid }
        if let node = nodes[path] {
            guard node.permissions.allows(caller, write: true) else { throw .accessDenied }
            return
        }
        guard let parent = path.parent else { throw .invalid }
        try create(parent, caller: caller)
        guard let parentNode = nodes[parent] else { throw .noEntry }
        guard parentNode.permissions.allows(caller, write: true) else { throw .accessDenied }
        var permissions = parentNode.permissions
        if caller != 0, !permissions.isEmpty { permissions[0].domid = caller }
        nodes[path] = Node(value: [], permissions: permissions, children: [])
        nodes[parent]?.children.append(path.name)
        touch(parent)
        touch(path)
    }

    private mutating func removeSubtree(_ path: XenStorePath, into removed: inout Set<XenStorePath>) {
        guard let node = nodes.removeValue(forKey: path) else { return }
        removed.insert(path)
        touch(path)
        for child in node.children { removeSubtree(path.child(child), into: &removed) }
    }

    private mutating func touch(_ path: XenStorePath) {
        generation += 1
        changedAt[path] = generation
    }
}
