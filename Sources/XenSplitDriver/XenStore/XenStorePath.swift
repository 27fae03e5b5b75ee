// SPDX-License-Identifier: Apache-2.0

/// A validated, absolute xenstore path (`/local/domain/0/backend`), or one of the special watch names
/// (`@introduceDomain`, `@releaseDomain`).
///
/// xenstored's rules: ASCII letters, digits and `-/_@`; no empty component (`//`), no trailing `/` except for
/// the root. A relative path resolves under `/local/domain/<caller>`. The length limit is 2048 bytes, counted
/// after the resolved path's `/local/domain/<domid>/` prefix: Debian's xenstored 4.17 applies its path-length
/// quota (XENSTORE_REL_PATH_MAX) that way to every caller, dom0 included, so it binds long before
/// XENSTORE_ABS_PATH_MAX (3072) could.
public struct XenStorePath: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// XENSTORE_ABS_PATH_MAX and XENSTORE_REL_PATH_MAX.
    public static let absoluteLimit = 3072
    public static let relativeLimit = 2048
    public static let root = XenStorePath(unchecked: "/")

    public let string: String

    private init(unchecked string: String) {
        self.string = string
    }

    /// Validates `text` and resolves it for a caller in domain `domid`.
    public init(_ text: String, caller domid: UInt32 = 0) throws(XenStoreError) {
        if text.hasPrefix("@") {
            guard Self.isValidCharacters(text.utf8.dropFirst()), !text.contains("/"), text.utf8.count > 1 else {
                throw .invalid
            }
            self.string = text
            return
        }
        guard !text.isEmpty, Self.isValidCharacters(text.utf8), !text.contains("//") else { throw .invalid }
        let resolved: String
        if text.hasPrefix("/") {
            guard text == "/" || !text.hasSuffix("/") else { throw .invalid }
            resolved = text
        } else {
            guard !text.hasSuffix("/") else { throw .invalid }
            resolved = Self.domainPath(domid) + "/" + text
        }
        guard resolved.utf8.count <= Self.absoluteLimit,
            resolved.utf8.count - Self.domainPrefixLength(resolved) <= Self.relativeLimit
        else { throw .invalid }
        self.string = resolved
    }

    /// A watch path: a node path as above, or any text starting with `@`, which xenstored takes as a special
    /// watch name without checking it further (only the two names it fires for ever see events).
    public init(watching text: String, caller domid: UInt32 = 0) throws(XenStoreError) {
        if text.hasPrefix("@") {
            self.init(unchecked: text)
        } else {
            try self.init(text, caller: domid)
        }
    }

    /// `/local/domain/<domid>`, GET_DOMAIN_PATH's answer.
    public static func domainPath(_ domid: UInt32) -> String { "/local/domain/\(domid)" }

    /// A special watch-only name (`@introduceDomain` ...), not a node.
    public var isSpecial: Bool { string.hasPrefix("@") }

    /// The parent, nil for the root and special names.
    public var parent: XenStorePath? {
        guard !isSpecial, string != "/" else { return nil }
        let cut = string.lastIndex(of: "/") ?? string.startIndex
        return cut == string.startIndex ? .root : XenStorePath(unchecked: String(string[..<cut]))
    }

    /// The last component (the name in its parent's directory).
    public var name: String {
        guard let cut = string.lastIndex(of: "/") else { return string }
        return String(string[string.index(after: cut)...])
    }

    /// The child named `name` (already a valid component).
    public func child(_ name: String) -> XenStorePath {
        XenStorePath(unchecked: string == "/" ? "/" + name : string + "/" + name)
    }

    /// Whether `self` is `other` or lies below it (`/a/b` is below `/a`, `/a/bc` is not).
    public func isWithin(_ other: XenStorePath) -> Bool {
        if self == other || other.string == "/" { return !isSpecial || self == other }
        return string.hasPrefix(other.string + "/")
    }

    /// The path as a caller that used a relative path expects to see it: relative to its domain's path.
    public func relative(to domid: UInt32) -> String {
        let base = Self.domainPath(domid) + "/"
        return string.hasPrefix(base) ? String(string.dropFirst(base.count)) : string
    }

    public var description: String { string }

    public static func < (lhs: XenStorePath, rhs: XenStorePath) -> Bool { lhs.string < rhs.string }

    /// The length of a leading `/local/domain/<domid>/`, else 0. Like xenstored, a domid here is up to five
    /// characters: digits, optionally after a `-` (what a C `%5u` conversion accepts).
    private static func domainPrefixLength(_ path: String) -> Int {
        let base = Array("/local/domain/".utf8)
        let bytes = Array(path.utf8.prefix(base.count + 6))
        guard bytes.starts(with: base), let slash = bytes[base.count...].firstIndex(of: UInt8(ascii: "/")) else {
            return 0
        }
        var domid = bytes[base.count..<slash]
        guard domid.count <= 5 else { return 0 }
        if domid.first == UInt8(ascii: "-") { domid = domid.dropFirst() }
        guard !domid.isEmpty, domid.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return 0 }
        return slash + 1
    }

    private static func isValidCharacters(_ bytes: some Sequence<UInt8>) -> Bool {
        bytes.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "@")
        }
    }
}
