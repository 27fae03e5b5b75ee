// SPDX-License-Identifier: Apache-2.0

/// An open transaction: a snapshot of the tree to work on, the operations to replay at commit, and every
/// path it looked at or changed, whose live generations decide whether the commit conflicts.
struct XenStoreTransaction: Sendable {
    enum Operation: Sendable {
        case write(XenStorePath, [UInt8])
        case mkdir(XenStorePath)
        case remove(XenStorePath)
        case setPermissions(XenStorePath, [XenStorePermission])
    }

    let connection: UInt64
    let caller: UInt32
    /// The live tree's generation when the transaction started.
    let startGeneration: UInt64
    var tree: XenStoreTree
    var operations: [Operation] = []
    var accessed: Set<XenStorePath> = []

    /// Whether a change committed since the start touched anything this transaction used.
    func conflicts(with live: XenStoreTree) -> Bool {
        accessed.contains { live.lastChange(of: $0) > startGeneration }
    }
}
