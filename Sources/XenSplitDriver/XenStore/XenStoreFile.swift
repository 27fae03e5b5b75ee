// SPDX-License-Identifier: Apache-2.0

import FoundationEssentials
import SystemPackage
import TPMCrypto
import TPMWire
import VTPMManager

/// The daemon's durable xenstore tree: `<state-dir>/xenstore.db`, replaced atomically after every change.
///
/// ```
/// magic "VXSTORE1" (8) | version u16 | generation u64 | node count u32 |
/// nodes: path (u16 length, bytes) | value (u32 length, bytes) | permission count u16, each: letter u8, domid u32 |
///        child count u16, each: name (u16 length, bytes)
/// SHA-256 of everything before it (32)
/// ```
/// Big-endian, nodes sorted by path. A file that fails its checks is reported with its path and never
/// replaced silently.
public struct XenStoreFile: Sendable {
    public static let fileName = "xenstore.db"
    static let magic = Array("VXSTORE1".utf8)
    static let version: UInt16 = 1

    public let path: FilePath

    public init(directory: FilePath) {
        path = directory.appending(Self.fileName)
    }

    /// The stored tree, or nil if none was stored yet.
    public func load() throws(XenStoreFileError) -> XenStoreTree? {
        guard FileManager.default.fileExists(atPath: path.string) else { return nil }
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(filePath: path.string)))
        } catch {
            throw XenStoreFileError("cannot read \(path): \(error)")
        }
        do throws(TPMRC) {
            return try Self.decode(bytes)
        } catch {
            throw XenStoreFileError("\(path) is not a valid xenstore file (truncated or damaged)")
        }
    }

    public func save(_ tree: XenStoreTree) throws {
        try AtomicFile.write(Self.encode(tree), to: path)
    }

    static func encode(_ tree: XenStoreTree) -> [UInt8] {
        var writer = TPMWriter(capacity: 4096)
        writer.writeBytes(magic)
        writer.writeInteger(version)
        writer.writeInteger(tree.generation)
        let nodes = tree.nodes.sorted { $0.key < $1.key }
        writer.writeInteger(UInt32(nodes.count))
        for (path, node) in nodes {
            writeString(path.string, into: &writer)
            writer.writeInteger(UInt32(node.value.count))
            writer.writeBytes(node.value)
            writer.writeInteger(UInt16(node.permissions.count))
            for permission in node.permissions {
                writer.writeInteger(UInt8(ascii: permission.access.rawValue.unicodeScalars.first!))
                writer.writeInteger(permission.domid)
            }
            writer.writeInteger(UInt16(node.children.count))
            for child in node.children { writeString(child, into: &writer) }
        }
        writer.writeBytes(TPMHash.digest(.sha256, writer.bytes))
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(TPMRC) -> XenStoreTree {
        guard bytes.count > magic.count + 32, Array(bytes.prefix(magic.count)) == magic,
            TPMHash.digest(.sha256, Array(bytes.dropLast(32))) == Array(bytes.suffix(32))
        else { throw .size }
        var reader = TPMReader(Array(bytes.dropLast(32)))
        _ = try reader.readBytes(count: magic.count)
        guard try reader.readInteger(as: UInt16.self) == version else { throw .value }
        let generation = try reader.readInteger(as: UInt64.self)
        var nodes: [XenStorePath: XenStoreTree.Node] = [:]
        for _ in 0..<(try reader.readInteger(as: UInt32.self)) {
            let text = try readString(&reader)
            guard let path = try? XenStorePath(text) else { throw .value }
            let value = try reader.readBytes(count: Int(try reader.readInteger(as: UInt32.self)))
            var permissions: [XenStorePermission] = []
            for _ in 0..<(try reader.readInteger(as: UInt16.self)) {
                let letter = Character(Unicode.Scalar(try reader.readInteger(as: UInt8.self)))
                guard let access = XenStorePermission.Access(rawValue: letter) else { throw .value }
                permissions.append(XenStorePermission(access, try reader.readInteger(as: UInt32.self)))
            }
            var children: [String] = []
            for _ in 0..<(try reader.readInteger(as: UInt16.self)) { children.append(try readString(&reader)) }
            nodes[path] = XenStoreTree.Node(value: value, permissions: permissions, children: children)
        }
        guard reader.isAtEnd, nodes[.root] != nil else { throw .size }
        return XenStoreTree(nodes: nodes, generation: generation)
    }

    private static func writeString(_ text: String, into writer: inout TPMWriter) {
        writer.writeInteger(UInt16(text.utf8.count))
        writer.writeBytes(Array(text.utf8))
    }

    private static func readString(_ reader: inout TPMReader) throws(TPMRC) -> String {
        let bytes = try reader.readBytes(count: Int(try reader.readInteger(as: UInt16.self)))
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .value }
        return text
    }
}

/// A xenstore file that cannot be read or is damaged; the message names the file.
public struct XenStoreFileError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
