// SPDX-License-Identifier: Apache-2.0

/// A big-endian cursor over a TPM byte stream.
///
/// Reads never go past `end`; a short read throws ``TPMRC/insufficient`` and leaves the index where it
/// was, so a caller can report exactly which field was cut off (the NIO `ByteBuffer` convention).
public struct TPMReader: Sendable {
    let bytes: [UInt8]
    /// Position of the next byte to read.
    public private(set) var index: Int
    /// One past the last byte this reader may consume.
    public let end: Int

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.index = 0
        self.end = bytes.count
    }

    init(bytes: [UInt8], index: Int, end: Int) {
        self.bytes = bytes
        self.index = index
        self.end = end
    }

    /// Bytes left before `end`.
    public var remaining: Int { end - index }
    public var isAtEnd: Bool { index >= end }

    /// Reads an unsigned big-endian integer of the type's width.
    public mutating func readInteger<T: FixedWidthInteger & UnsignedInteger>(as type: T.Type = T.self) throws(TPMRC) -> T {
        let width = T.bitWidth / 8
        guard end - index >= width else { throw .insufficient }
        var value: T = 0
        for offset in 0..<width {
            value = value << 8 | T(bytes[index + offset])
        }
        index += width
        return value
    }

    /// Returns the integer at the current position without consuming it.
    public func peekInteger<T: FixedWidthInteger & UnsignedInteger>(as type: T.Type = T.self) -> T? {
        var copy = self
        return try? copy.readInteger(as: T.self)
    }

    public mutating func readBytes(count: Int) throws(TPMRC) -> [UInt8] {
        guard count >= 0, end - index >= count else { throw .insufficient }
        defer { index += count }
        return Array(bytes[index..<(index + count)])
    }

    /// Consumes every byte up to `end`.
    public mutating func readRemaining() -> [UInt8] {
        defer { index = end }
        return Array(bytes[index..<end])
    }

    /// Skips `count` bytes.
    public mutating func skip(_ count: Int) throws(TPMRC) {
        guard count >= 0, end - index >= count else { throw .insufficient }
        index += count
    }

    /// Reads a u16-size-prefixed region with `body`, which must consume it exactly.
    ///
    /// A region longer than what is left throws ``TPMRC/insufficient``; bytes the body leaves unread throw
    /// ``TPMRC/size`` (the inner value must end exactly at the size, Part 2, 10.4).
    public mutating func readSized<T>(_ body: (inout TPMReader) throws(TPMRC) -> T) throws(TPMRC) -> T {
        let start = index
        let size = Int(try readInteger(as: UInt16.self))
        guard end - index >= size else {
            index = start
            throw .insufficient
        }
        var inner = TPMReader(bytes: bytes, index: index, end: index + size)
        let value = try body(&inner)
        guard inner.isAtEnd else { throw .size }
        index = inner.end
        return value
    }

    /// A reader limited to the next `count` bytes; this reader moves past them.
    public mutating func readSubReader(count: Int) throws(TPMRC) -> TPMReader {
        guard count >= 0, end - index >= count else { throw .insufficient }
        defer { index += count }
        return TPMReader(bytes: bytes, index: index, end: index + count)
    }
}
