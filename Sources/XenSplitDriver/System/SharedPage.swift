// SPDX-License-Identifier: Apache-2.0

import CVTPMSystem

#if canImport(Glibc)
import Glibc
#endif

/// One 4 KiB page of shared memory mapped into this process: a domain's own frame, a grant-table page, or a
/// foreign page mapped through a grant. Other processes may change it at any time.
///
/// This is one of the few places with unsafe pointers. They are safe because the mapping is owned by this
/// object (unmapped only in `deinit`, so no pointer outlives it), every access checks `offset + count` against
/// ``size`` before touching memory, and writes are refused on a read-only mapping instead of faulting. Bytes are
/// copied in and out: no pointer into the page escapes, so a peer changing the page can only change the values
/// read, never memory safety.
public final class SharedPage: @unchecked Sendable {
    public static let size = 4096

    public let isWritable: Bool
    private let base: UnsafeMutableRawPointer

    /// Maps `descriptor` (a memfd of at least one page). The descriptor may be closed afterwards.
    public init(mapping descriptor: Int32, writable: Bool) throws(XenError) {
        guard let address = cvtpm_map_shared(descriptor, Self.size, writable ? 1 : 0) else {
            throw XenError(.mapFailed, "mmap of a shared page failed", errno: errno)
        }
        base = address
        isWritable = writable
    }

    deinit { munmap(base, Self.size) }

    // MARK: - Bytes

    public func load(at offset: Int, count: Int) -> [UInt8] {
        precondition(offset >= 0 && count >= 0 && offset + count <= Self.size, "outside the page")
        return [UInt8](UnsafeRawBufferPointer(start: base + offset, count: count))
    }

    /// Copies `bytes` into the page at `offset`.
    public func store(_ bytes: some Collection<UInt8>, at offset: Int) throws(XenError) {
        guard isWritable else { throw XenError(.readOnly, "the page is mapped read-only") }
        precondition(offset >= 0 && offset + bytes.count <= Self.size, "outside the page")
        let target = UnsafeMutableRawBufferPointer(start: base + offset, count: bytes.count)
        _ = target.initializeMemory(as: UInt8.self, from: bytes)
    }

    /// Fills the page with zeros.
    public func clear() throws(XenError) {
        guard isWritable else { throw XenError(.readOnly, "the page is mapped read-only") }
        memset(base, 0, Self.size)
    }

    // MARK: - Words another process changes concurrently (little-endian, as on x86)

    public func atomicLoad16(at offset: Int) -> UInt16 {
        UInt16(littleEndian: cvtpm_atomic_load16(word16(offset)))
    }

    public func atomicStore16(_ value: UInt16, at offset: Int) throws(XenError) {
        guard isWritable else { throw XenError(.readOnly, "the page is mapped read-only") }
        cvtpm_atomic_store16(word16(offset), value.littleEndian)
    }

    /// Compare-and-swap; true if the word held `expected` and now holds `desired`.
    public func compareExchange16(at offset: Int, expected: UInt16, desired: UInt16) throws(XenError) -> Bool {
        guard isWritable else { throw XenError(.readOnly, "the page is mapped read-only") }
        return cvtpm_atomic_cas16(word16(offset), expected.littleEndian, desired.littleEndian) != 0
    }

    public func loadLittleEndian<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        precondition(offset >= 0 && offset + MemoryLayout<T>.size <= Self.size, "outside the page")
        return T(littleEndian: (base + offset).loadUnaligned(as: T.self))
    }

    public func storeLittleEndian<T: FixedWidthInteger>(_ value: T, at offset: Int) throws(XenError) {
        guard isWritable else { throw XenError(.readOnly, "the page is mapped read-only") }
        precondition(offset >= 0 && offset + MemoryLayout<T>.size <= Self.size, "outside the page")
        (base + offset).storeBytes(of: value.littleEndian, as: T.self)
    }

    private func word16(_ offset: Int) -> UnsafeMutablePointer<UInt16> {
        precondition(offset >= 0 && offset % 2 == 0 && offset + 2 <= Self.size, "not an aligned word of the page")
        return (base + offset).assumingMemoryBound(to: UInt16.self)
    }
}
