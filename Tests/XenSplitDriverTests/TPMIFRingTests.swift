// SPDX-License-Identifier: Apache-2.0

import Glibc
import Testing

@testable import XenSplitDriver

@Suite("tpmif ring layout and the driver's request check")
struct TPMIFRingTests {
    static func pages(_ count: Int) throws -> (Hypervisor, SharedPage, [SharedPage]) {
        let hypervisor = try Hypervisor()
        func page() throws -> SharedPage {
            let (_, descriptor) = try hypervisor.allocateFrame(0)
            defer { close(descriptor) }
            return try SharedPage(mapping: descriptor, writable: true)
        }
        return (hypervisor, try page(), try (0..<count).map { _ in try page() })
    }

    @Test("a slot is 16 bytes, x86-64 layout: addr u64, ref u32, unused u16, size u16, little-endian")
    func slotLayout() throws {
        let (_, ring, _) = try Self.pages(0)
        try TPMIFRing.setSlot(TPMIFSlot(addr: 0x1234_5000, ref: 9, unused: 0, remaining: 0x0102), 1, in: ring)
        #expect(
            ring.load(at: 16, count: 16) == [0x00, 0x50, 0x34, 0x12, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0x02, 0x01])
        #expect(TPMIFRing.slot(1, in: ring) == TPMIFSlot(addr: 0x1234_5000, ref: 9, remaining: 0x0102))
        #expect(TPMIFRing.slotCount == 10 && TPMIFRing.capacity == 40960)
    }

    @Test("a packet of three pages and a bit: size is what remains from each slot on", arguments: [1, 4096, 12289])
    func multiPage(length: Int) throws {
        let (_, ring, pages) = try Self.pages(TPMIFRing.slotCount)
        let packet = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 7) }
        try TPMIFRing.write(packet, ring: ring, pages: pages)
        for index in 0..<TPMIFRing.pageCount(length) {
            #expect(Int(TPMIFRing.slot(index, in: ring).remaining) == length - index * 4096)
        }
        #expect(try TPMIFRing.read(ring: ring) { index, _ in pages[index] } == packet)
    }

    @Test("slots that contradict each other, or a packet over the limit, are refused")
    func inconsistentSlots() throws {
        let (_, ring, pages) = try Self.pages(TPMIFRing.slotCount)
        try TPMIFRing.write([UInt8](repeating: 1, count: 9000), ring: ring, pages: pages)
        try TPMIFRing.setRemaining(4000, 1, in: ring)
        #expect(throws: XenError(.invalidPacket, "")) { try TPMIFRing.read(ring: ring) { index, _ in pages[index] } }
        try TPMIFRing.write([UInt8](repeating: 1, count: 9000), ring: ring, pages: pages)
        #expect(throws: XenError(.invalidPacket, "")) {
            try TPMIFRing.read(ring: ring, limit: 4096) { index, _ in pages[index] }
        }
    }

    @Test("the driver's check: header, size field equal to the bytes, limit; its own answers")
    func requestCheck() {
        let getRandom: [UInt8] = [0x80, 0x01, 0, 0, 0, 0x0C, 0, 0, 0x01, 0x7B, 0, 8]
        #expect(RequestCheck.problem(getRandom, limit: 4096) == nil)
        #expect(RequestCheck.problem(Array(getRandom.prefix(9)), limit: 4096) != nil)
        #expect(RequestCheck.problem(getRandom + [0], limit: 4096) != nil)
        #expect(RequestCheck.problem(Array(getRandom.dropLast()), limit: 4096) != nil)
        #expect(RequestCheck.problem(getRandom, limit: 11) != nil)
        #expect(RequestCheck.refusal(for: getRandom) == [0x80, 0x01, 0, 0, 0, 0x0A, 0, 0, 0x01, 0x42])
        #expect(RequestCheck.refusal(for: [0x00, 0xC1, 0, 0]) == [0x00, 0xC4, 0, 0, 0, 0x0A, 0, 0, 0, 0x09])
        #expect(RequestCheck.refusal(for: [0x00, 0xC2]) == [0x00, 0xC5, 0, 0, 0, 0x0A, 0, 0, 0, 0x09])
        #expect(RequestCheck.refusal(for: [7]) == [0x00, 0x03, 0, 0, 0, 0x0A, 0, 0, 0, 0x09])
    }
}
