// SPDX-License-Identifier: Apache-2.0

/// One entry of a node's permission list: a letter and a domain, `n0`, `r5`, `b1`.
///
/// The first entry of a list names the owner, who may always read and write; its letter is the access of
/// every domain not listed after it.
public struct XenStorePermission: Hashable, Sendable, CustomStringConvertible {
    public enum Access: Character, Hashable, Sendable {
        case none = "n"
        case read = "r"
        case write = "w"
        case both = "b"

        var allowsRead: Bool { self == .read || self == .both }
        var allowsWrite: Bool { self == .write || self == .both }
    }

    public var access: Access
    public var domid: UInt32

    public init(_ access: Access, _ domid: UInt32) {
        self.access = access
        self.domid = domid
    }

    /// Parses `r5`; nil for anything else (SET_PERMS answers EINVAL).
    public init?(_ text: String) {
        guard let first = text.first, let access = Access(rawValue: first),
            let domid = UInt32(text.dropFirst()), text.count > 1, text.dropFirst().allSatisfy(\.isASCII)
        else { return nil }
        self.init(access, domid)
    }

    public var description: String { "\(access.rawValue)\(domid)" }
}

extension Array where Element == XenStorePermission {
    /// Whether `domid` may read (`write == false`) or write under these permissions. Dom0 always may.
    func allows(_ domid: UInt32, write: Bool) -> Bool {
        guard domid != 0, let owner = first else { return true }
        if owner.domid == domid { return true }
        let access = dropFirst().first { $0.domid == domid }?.access ?? owner.access
        return write ? access.allowsWrite : access.allowsRead
    }
}
