// SPDX-License-Identifier: Apache-2.0

/// A big-endian cursor over a TPM byte stream.
///
/// Reads never go past `end`; a short primitive read throws ``TPMRC/insufficient`` and leaves the index
/// where it was (the NIO `ByteBuffer` convention). Composite values may have consumed their leading
/// fields when a later one is short; callers discard the reader on any error, as the TPM does.
public struct TPMReader: Sendable {
    @usableFromInline let bytes: [UInt8]
    @usableFromInline var position: Int
    /// One past the last byte this reader may consume.
    public let end: Int

    /// Position of the next byte to read.
    public var index: Int { position }

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.position = 0
        self.end = bytes.count
    }

    init(bytes: [UInt8], index: Int, end: Int) {
        self.bytes = bytes
        self.position = index
        self.end = end
    }

    /// Bytes left before `end`.
    public var remaining: Int { end - index }
    public var isAtEnd: Bool { index >= end }

    /// Reads an unsigned big-endian integer of the type's width.
    ///
    /// Inlinable (with its storage) because every field of every command goes through it: without
    /// specialization in the caller's module the generic integer operations dominated command time.
    @inlinable
    public mutating func readInteger<T: FixedWidthInteger & UnsignedInteger>(
        as type: T.Type = T.self
    ) throws(TPMRC) -> T {
        let width = T.bitWidth / 8
        guard end - position >= width else { throw .insufficient }
        var value: T = 0
        for offset in 0..<width {
            value = value << 8 | T(bytes[position + offset])
        }
        position += width
        return value
    }

    /// Returns the integer at the current position without consuming it.
    public func peekInteger<T: FixedWidthInteger & UnsignedInteger>(as type: T.Type = T.self) -> T? {
        var copy = self
        return try? copy.readInteger(as: T.self)
    }

    @inlinable
    public mutating func readBytes(count: Int) throws(TPMRC) -> [UInt8] {
        guard count >= 0, end - index >= count else { throw .insufficient }
        // Empty nonces and passwords are the common case; they need neither a slice nor a copy.
        guard count > 0 else { return [] }
        defer { position += count }
        return Array(bytes[index..<(index + count)])
    }

    /// Consumes every byte up to `end`.
    public mutating func readRemaining() -> [UInt8] {
        defer { position = end }
        return Array(bytes[index..<end])
    }

    /// The bytes up to `end`, without consuming them.
    public func peekRemaining() -> ArraySlice<UInt8> {
        bytes[index..<end]
    }

    /// Skips `count` bytes.
    public mutating func skip(_ count: Int) throws(TPMRC) {
        guard count >= 0, end - index >= count else { throw .insufficient }
        position += count
    }

    /// A reader limited to the next `count` bytes; this reader moves past them.
    public mutating func readSubReader(count: Int) throws(TPMRC) -> TPMReader {
        guard count >= 0, end - index >= count else { throw .insufficient }
        defer { position += count }
        return TPMReader(bytes: bytes, index: index, end: index + count)
    }
}
