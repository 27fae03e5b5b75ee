// SPDX-License-Identifier: Apache-2.0

/// One slot of the tpmif ring, `tpmif_tx_request_t` as the 2006 interface manual defines it, in its x86-64
/// layout (16 bytes): `addr` (u64, machine address of the data page), `ref` (u32, its grant reference), `unused`
/// (u16), `size` (u16, "the size of the remaining packet": the bytes from this slot's page to the end).
public struct TPMIFSlot: Hashable, Sendable {
    public static let size = 16

    public var addr: UInt64
    public var ref: GrantRef
    public var unused: UInt16
    /// Bytes of the packet from this slot's page on; at most a page of them is in this slot's page.
    public var remaining: UInt16

    public init(addr: UInt64, ref: GrantRef, unused: UInt16 = 0, remaining: UInt16) {
        self.addr = addr
        self.ref = ref
        self.unused = unused
        self.remaining = remaining
    }
}

/// The tpmif shared ring of the 2006 drivers: one granted page holding ``slotCount`` slots from offset 0, with no
/// indices. The frontend fills slots 0, 1, 2 … for a request and notifies; the backend answers in the same slots
/// and pages and notifies back. Only one request is outstanding at a time, so the event channel is the whole
/// synchronization (an eventfd write/read is a full barrier on both sides).
///
/// Unlike the 2006 drivers, which took `ring[0].size` as the whole length and so only worked for one page, a
/// packet here spans as many pages as it needs, with `size` meaning what the manual says.
public enum TPMIFRing {
    /// TPMIF_TX_RING_SIZE from September 2005 to April 2007: the 2006 manual's era.
    public static let slotCount = 10
    /// The largest packet the ring carries: one page per slot.
    public static let capacity = slotCount * SharedPage.size

    public static func slot(_ index: Int, in ring: SharedPage) -> TPMIFSlot {
        let base = index * TPMIFSlot.size
        return TPMIFSlot(
            addr: ring.loadLittleEndian(UInt64.self, at: base), ref: ring.loadLittleEndian(UInt32.self, at: base + 8),
            unused: ring.loadLittleEndian(UInt16.self, at: base + 12),
            remaining: ring.loadLittleEndian(UInt16.self, at: base + 14))
    }

    public static func setSlot(_ slot: TPMIFSlot, _ index: Int, in ring: SharedPage) throws(XenError) {
        let base = index * TPMIFSlot.size
        try ring.storeLittleEndian(slot.addr, at: base)
        try ring.storeLittleEndian(slot.ref, at: base + 8)
        try ring.storeLittleEndian(slot.unused, at: base + 12)
        try ring.storeLittleEndian(slot.remaining, at: base + 14)
    }

    /// Sets only the `size` field of slot `index` (the backend answers in the frontend's slots).
    public static func setRemaining(_ remaining: Int, _ index: Int, in ring: SharedPage) throws(XenError) {
        try ring.storeLittleEndian(UInt16(remaining), at: index * TPMIFSlot.size + 14)
    }

    /// How many pages a packet of `length` bytes occupies (at least one: an empty packet still has slot 0).
    public static func pageCount(_ length: Int) -> Int {
        max(1, (length + SharedPage.size - 1) / SharedPage.size)
    }

    /// Copies `packet` into `pages` (slot i's page is `pages[i]`) and sets each slot's `size` to the bytes
    /// remaining from it. The slots' `addr` and `ref` must already name those pages.
    public static func write(_ packet: some Collection<UInt8>, ring: SharedPage, pages: [SharedPage]) throws(XenError) {
        guard packet.count <= capacity, pageCount(packet.count) <= pages.count else {
            throw XenError(.invalidPacket, "a packet of \(packet.count) bytes does not fit the ring")
        }
        var rest = packet[...]
        for index in 0..<pageCount(packet.count) {
            try setRemaining(rest.count, index, in: ring)
            let chunk = rest.prefix(SharedPage.size)
            try pages[index].store(chunk, at: 0)
            rest = rest.dropFirst(chunk.count)
        }
    }

    /// Reads the packet described by the slots. `page(index, slot)` supplies slot `index`'s page (the backend
    /// maps it by the slot's grant reference; the frontend uses its own).
    ///
    /// - Throws: `.invalidPacket` when the slots contradict each other (a later slot's `size` is not the
    ///   earlier one's less a page), the data does not start at the page's beginning, or the packet is longer
    ///   than `limit`.
    public static func read(
        ring: SharedPage, limit: Int = capacity, page: (Int, TPMIFSlot) throws(XenError) -> SharedPage
    ) throws(XenError) -> [UInt8] {
        let total = Int(slot(0, in: ring).remaining)
        guard total <= limit else {
            throw XenError(.invalidPacket, "the packet's \(total) bytes exceed the limit of \(limit)")
        }
        var packet: [UInt8] = []
        packet.reserveCapacity(total)
        for index in 0..<pageCount(total) {
            let current = slot(index, in: ring)
            let remaining = total - index * SharedPage.size
            guard Int(current.remaining) == remaining else {
                throw XenError(
                    .invalidPacket, "slot \(index) says \(current.remaining) bytes remain, the packet \(remaining)")
            }
            guard current.addr & UInt64(SharedPage.size - 1) == 0 else {
                throw XenError(.invalidPacket, "slot \(index) points into the middle of a page")
            }
            packet += try page(index, current).load(at: 0, count: min(remaining, SharedPage.size))
        }
        return packet
    }
}
