// SPDX-License-Identifier: Apache-2.0

/// A TPML list — Part 2, 10.9: a u32 count followed by that many elements, never more than `maxCount`.
public protocol TPMList: TPMCodable, Hashable, Sendable {
    associatedtype Element: TPMCodable & Hashable & Sendable
    static var maxCount: Int { get }
    var elements: [Element] { get }
    /// Creates the list; throws ``TPMRC/size`` if there are more than `maxCount` elements.
    init(_ elements: [Element]) throws(TPMRC)
}

extension TPMList {
    public var count: Int { elements.count }

    @inlinable
    public static func validate(_ elements: [Element]) throws(TPMRC) {
        guard elements.count <= maxCount else { throw .size }
    }

    @inlinable
    public func marshal(into writer: inout TPMWriter) {
        writer.writeInteger(UInt32(elements.count))
        for element in elements {
            element.marshal(into: &writer)
        }
    }

    @inlinable
    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        let count = try reader.readInteger(as: UInt32.self)
        // Check the count before using it for anything, in particular before reserving storage.
        guard count <= Self.maxCount else { throw .size }
        var elements: [Element] = []
        for _ in 0..<count {
            elements.append(try Element(unmarshalling: &reader))
        }
        try self.init(elements)
    }
}
