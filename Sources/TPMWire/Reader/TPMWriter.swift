// SPDX-License-Identifier: Apache-2.0

/// Builds a big-endian TPM byte stream.
public struct TPMWriter: Sendable {
    @usableFromInline var storage: [UInt8]

    /// The bytes written so far.
    public var bytes: [UInt8] { storage }

    public init(capacity: Int = 64) {
        storage = []
        storage.reserveCapacity(capacity)
    }

    public var count: Int { storage.count }

    /// Inlinable for the same reason as ``TPMReader/readInteger(as:)``: it is on every response's path.
    @inlinable
    public mutating func writeInteger<T: FixedWidthInteger>(_ value: T) {
        let width = T.bitWidth / 8
        for shift in stride(from: (width - 1) * 8, through: 0, by: -8) {
            storage.append(UInt8(truncatingIfNeeded: value >> shift))
        }
    }

    @inlinable
    public mutating func writeBytes(_ data: [UInt8]) {
        storage.append(contentsOf: data)
    }

    @inlinable
    public mutating func writeBytes(_ data: ArraySlice<UInt8>) {
        storage.append(contentsOf: data)
    }

    /// Writes a u16 size placeholder, lets `body` write the region, then fills the size in
    /// (NIO's `writeLengthPrefixed`). Regions are bounded by the TPM's buffer sizes, far below 64 KiB.
    public mutating func writeSized(_ body: (inout TPMWriter) -> Void) {
        let sizeIndex = storage.count
        writeInteger(UInt16(0))
        body(&self)
        let size = UInt16(truncatingIfNeeded: storage.count - sizeIndex - 2)
        storage[sizeIndex] = UInt8(size >> 8)
        storage[sizeIndex + 1] = UInt8(size & 0xFF)
    }

    /// Overwrites a u32 already written at `offset` (used for header sizes known only at the end).
    public mutating func setUInt32(_ value: UInt32, at offset: Int) {
        for i in 0..<4 {
            storage[offset + i] = UInt8(truncatingIfNeeded: value >> (24 - 8 * i))
        }
    }
}
