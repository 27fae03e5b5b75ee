// SPDX-License-Identifier: Apache-2.0

/// TPMS_PCR_SELECTION — Part 2, 10.6.2: a hash bank and a bitmap of PCRs in it.
///
/// With 24 PCRs the bitmap is always three octets (PCR_SELECT_MIN = PCR_SELECT_MAX = 3), so it is kept in a
/// `UInt32`: every PCR command parses, copies and edits selections, and an array per selection cost an
/// allocation each time.
public struct TPMSPCRSelection: TPMCodable, Hashable, Sendable {
    /// PCR_SELECT_MIN and PCR_SELECT_MAX for 24 PCRs: the bitmap is exactly three bytes.
    public static let selectSize = 3
    static let pcrCount = selectSize * 8

    public var hash: TPMIAlgHash
    /// Bit n selects PCR n.
    @usableFromInline var bitmap: UInt32

    /// Creates a selection; throws ``TPMRC/value`` if the bitmap is not `selectSize` bytes.
    public init(hash: TPMIAlgHash, pcrSelect: [UInt8]) throws(TPMRC) {
        guard pcrSelect.count == Self.selectSize else { throw .value }
        self.hash = hash
        self.bitmap = UInt32(pcrSelect[0]) | UInt32(pcrSelect[1]) << 8 | UInt32(pcrSelect[2]) << 16
    }

    /// A selection of the given PCR indices; indices outside 0..<24 are ignored.
    public init(hash: TPMIAlgHash, pcrs: some Sequence<Int>) {
        self.hash = hash
        self.bitmap = 0
        for pcr in pcrs where (0..<Self.pcrCount).contains(pcr) {
            bitmap |= 1 << UInt32(pcr)
        }
    }

    /// The bitmap as the spec lays it out: bit n of octet n/8 selects PCR n.
    public var pcrSelect: [UInt8] {
        [
            UInt8(truncatingIfNeeded: bitmap), UInt8(truncatingIfNeeded: bitmap >> 8),
            UInt8(truncatingIfNeeded: bitmap >> 16),
        ]
    }

    /// The selected PCR indices, ascending.
    public var pcrs: [Int] {
        (0..<Self.pcrCount).filter { isSelected($0) }
    }

    @inlinable
    public func isSelected(_ pcr: Int) -> Bool {
        pcr >= 0 && pcr < 24 && bitmap & (1 << UInt32(pcr)) != 0
    }

    public mutating func setSelected(_ pcr: Int, _ selected: Bool) {
        guard pcr >= 0 && pcr < Self.pcrCount else { return }
        if selected {
            bitmap |= 1 << UInt32(pcr)
        } else {
            bitmap &= ~(1 << UInt32(pcr))
        }
    }

    public var isEmpty: Bool { bitmap == 0 }

    public func marshal(into writer: inout TPMWriter) {
        hash.marshal(into: &writer)
        writer.writeInteger(UInt8(Self.selectSize))
        writer.writeInteger(UInt8(truncatingIfNeeded: bitmap))
        writer.writeInteger(UInt8(truncatingIfNeeded: bitmap >> 8))
        writer.writeInteger(UInt8(truncatingIfNeeded: bitmap >> 16))
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        hash = try TPMIAlgHash(unmarshalling: &reader)
        guard try reader.readInteger(as: UInt8.self) == Self.selectSize else { throw .value }
        let low = try reader.readInteger(as: UInt8.self)
        let middle = try reader.readInteger(as: UInt8.self)
        let high = try reader.readInteger(as: UInt8.self)
        bitmap = UInt32(low) | UInt32(middle) << 8 | UInt32(high) << 16
    }
}

/// TPML_PCR_SELECTION — Part 2, 10.9.7: at most one selection per implemented hash (HASH_COUNT).
public struct TPMLPCRSelection: TPMList {
    public static let maxCount = TPMIAlgHash.implemented.count
    public let elements: [TPMSPCRSelection]
    public init(_ elements: [TPMSPCRSelection]) throws(TPMRC) { try Self.validate(elements); self.elements = elements }
}
