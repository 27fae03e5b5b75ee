// SPDX-License-Identifier: Apache-2.0

/// Bytes received on a connection and not consumed yet: an array with a reader and a writer index, read with
/// ByteBuffer's verbs (`getInteger(at:)` peeks, `readBytes(length:)` and `moveReaderIndex` consume) so that
/// the framers read the same as NIO code would, without NIO.
///
/// The reactor gives every connection one of these with a fixed capacity and reads into its free tail, so a
/// read never allocates; ``writeBytes(_:)`` grows it, for tests and in-memory feeding.
struct InputBuffer: Hashable, Sendable {
    private var storage: [UInt8]
    private(set) var readerIndex = 0
    private(set) var writerIndex = 0

    /// An empty buffer that holds up to `capacity` bytes.
    init(capacity: Int) {
        storage = [UInt8](repeating: 0, count: capacity)
    }

    /// A buffer holding `bytes`, all readable.
    init(bytes: [UInt8]) {
        storage = bytes
        writerIndex = bytes.count
    }

    var readableBytes: Int { writerIndex - readerIndex }
    var writableBytes: Int { storage.count - writerIndex }
    var capacity: Int { storage.count }

    /// The big-endian integer at absolute `index`; nil unless all its bytes are readable.
    func getInteger<T: FixedWidthInteger & UnsignedInteger>(at index: Int, as type: T.Type = T.self) -> T? {
        let size = MemoryLayout<T>.size
        guard index >= readerIndex, index <= writerIndex - size else { return nil }
        var value: T = 0
        for offset in index..<index + size {
            value = value << 8 | T(storage[offset])
        }
        return value
    }

    /// The next `length` bytes, consumed; nil (and nothing consumed) if fewer are readable.
    mutating func readBytes(length: Int) -> [UInt8]? {
        guard length >= 0, length <= readableBytes else { return nil }
        defer { readerIndex += length }
        return Array(storage[readerIndex..<readerIndex + length])
    }

    mutating func moveReaderIndex(forwardBy count: Int) {
        precondition(count >= 0 && count <= readableBytes, "reader index beyond the readable bytes")
        readerIndex += count
    }

    mutating func moveReaderIndex(to index: Int) {
        precondition(index >= readerIndex && index <= writerIndex, "reader index outside the readable bytes")
        readerIndex = index
    }

    /// Appends `bytes`, growing the storage if they do not fit.
    mutating func writeBytes<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
        let needed = writerIndex + bytes.count
        if needed > storage.count {
            storage += repeatElement(0, count: needed - storage.count)
        }
        storage.replaceSubrange(writerIndex..<needed, with: bytes)
        writerIndex = needed
    }

    /// Moves the unread bytes to the front, so that the whole free space is one tail again.
    mutating func discardReadBytes() {
        guard readerIndex > 0 else { return }
        let count = readableBytes
        // Front to back, so the overlap is harmless; only a partial message is ever moved.
        for offset in 0..<count {
            storage[offset] = storage[readerIndex + offset]
        }
        readerIndex = 0
        writerIndex = count
    }

    /// Lets `fill` write into the free tail (`storage`, the range it may write); it returns how many bytes it
    /// wrote (or a negative error value, passed through). Used by ``Descriptor/read(into:)`` only.
    mutating func append(using fill: (inout [UInt8], Range<Int>) -> Int) -> Int {
        let written = fill(&storage, writerIndex..<storage.count)
        if written > 0 { writerIndex += min(written, storage.count - writerIndex) }
        return written
    }
}
