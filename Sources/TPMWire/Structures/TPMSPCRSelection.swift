// SPDX-License-Identifier: Apache-2.0

/// TPMS_PCR_SELECTION — Part 2, 10.6.2: a hash bank and a bitmap of PCRs in it.
public struct TPMSPCRSelection: TPMCodable, Hashable, Sendable {
    /// PCR_SELECT_MIN and PCR_SELECT_MAX for 24 PCRs: the bitmap is exactly three bytes.
    public static let selectSize = 3

    public var hash: TPMIAlgHash
    /// Bit n of byte n/8 selects PCR n.
    public internal(set) var pcrSelect: [UInt8]

    /// Creates a selection; throws ``TPMRC/value`` if the bitmap is not `selectSize` bytes.
    public init(hash: TPMIAlgHash, pcrSelect: [UInt8]) throws(TPMRC) {
        guard pcrSelect.count == Self.selectSize else { throw .value }
        self.hash = hash
        self.pcrSelect = pcrSelect
    }

    /// A selection of the given PCR indices (each below 24).
    public init(hash: TPMIAlgHash, pcrs: some Sequence<Int>) {
        var bitmap = [UInt8](repeating: 0, count: Self.selectSize)
        for pcr in pcrs where (0..<(Self.selectSize * 8)).contains(pcr) {
            bitmap[pcr / 8] |= 1 << (pcr % 8)
        }
        self.hash = hash
        self.pcrSelect = bitmap
    }

    /// The selected PCR indices, ascending.
    public var pcrs: [Int] {
        (0..<(pcrSelect.count * 8)).filter { pcrSelect[$0 / 8] & (1 << ($0 % 8)) != 0 }
    }

    @inlinable
    public func isSelected(_ pcr: Int) -> Bool {
        pcr / 8 < pcrSelect.count && pcrSelect[pcr / 8] & (1 << (pcr % 8)) != 0
    }

    public mutating func setSelected(_ pcr: Int, _ selected: Bool) {
        guard pcr / 8 < pcrSelect.count else { return }
        if selected {
            pcrSelect[pcr / 8] |= 1 << (pcr % 8)
        } else {
            pcrSelect[pcr / 8] &= ~(1 << (pcr % 8))
        }
    }

    public var isEmpty: Bool { pcrSelect.allSatisfy { $0 == 0 } }

    public func marshal(into writer: inout TPMWriter) {
        hash.marshal(into: &writer)
        writer.writeInteger(UInt8(pcrSelect.count))
        writer.writeBytes(pcrSelect)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        let hash = try TPMIAlgHash(unmarshalling: &reader)
        let size = Int(try reader.readInteger(as: UInt8.self))
        guard size == Self.selectSize else { throw .value }
        try self.init(hash: hash, pcrSelect: try reader.readBytes(count: size))
    }
}

/// TPML_PCR_SELECTION — Part 2, 10.9.7: at most one selection per implemented hash (HASH_COUNT).
public struct TPMLPCRSelection: TPMList {
    public static let maxCount = TPMIAlgHash.implemented.count
    public let elements: [TPMSPCRSelection]
    public init(_ elements: [TPMSPCRSelection]) throws(TPMRC) { try Self.validate(elements); self.elements = elements }
}
