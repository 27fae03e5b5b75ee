// SPDX-License-Identifier: Apache-2.0

import TPMCrypto
import TPMWire

/// The PCR values of every allocated bank (Part 1, 17).
public struct PCRBanks: Hashable, Sendable {
    struct Bank: Hashable, Sendable {
        let hash: TPMIAlgHash
        var allocated: TPMSPCRSelection
        /// One digest per PCR index; meaningful only where `allocated` selects the PCR.
        var values: [[UInt8]]
    }

    private(set) var banks: [Bank]

    /// Banks for `allocation`, every PCR set to its startup value for `startupLocality`.
    init(allocation: [TPMSPCRSelection]) {
        banks = allocation.map { selection in
            Bank(
                hash: selection.hash, allocated: selection,
                values: Array(
                    repeating: [UInt8](repeating: 0, count: selection.hash.digestSize), count: PCRAttributes.count))
        }
    }

    /// The active allocation, one selection per implemented bank (GetCapability(TPM_CAP_PCRS)).
    var allocation: [TPMSPCRSelection] { banks.map(\.allocated) }

    var allocatedHashes: [TPMIAlgHash] {
        banks.filter { !$0.allocated.isEmpty }.map(\.hash)
    }

    func isAllocated(_ pcr: Int, in hash: TPMIAlgHash) -> Bool {
        guard let index = banks.firstIndex(where: { $0.hash == hash }) else { return false }
        return banks[index].allocated.isSelected(pcr)
    }

    func value(_ pcr: Int, in hash: TPMIAlgHash) -> [UInt8]? {
        // Index into the banks rather than binding a bank: a bound copy would retain all its arrays.
        guard let index = banks.firstIndex(where: { $0.hash == hash }), banks[index].allocated.isSelected(pcr)
        else { return nil }
        return banks[index].values[pcr]
    }

    /// Sets PCR `pcr` in every bank where it is allocated: all bytes but the last from the sign of
    /// `lastByte` (ones if negative), the last byte to `lastByte` itself (libtpms `PCRSetValue`).
    mutating func setValue(_ pcr: Int, lastByte: Int8) {
        for index in banks.indices where banks[index].allocated.isSelected(pcr) {
            let size = banks[index].hash.digestSize
            var value = [UInt8](repeating: lastByte < 0 ? 0xFF : 0x00, count: size)
            value[size - 1] = UInt8(bitPattern: lastByte)
            banks[index].values[pcr] = value
        }
    }

    mutating func setValue(_ pcr: Int, in hash: TPMIAlgHash, to digest: [UInt8]) {
        guard let index = banks.firstIndex(where: { $0.hash == hash }), banks[index].allocated.isSelected(pcr)
        else { return }
        banks[index].values[pcr] = digest
    }

    /// PCR := H(PCR || data) in bank `hash`, if the PCR is allocated there. Returns whether it changed.
    @discardableResult
    mutating func extend(_ pcr: Int, in hash: TPMIAlgHash, with data: [UInt8]) -> Bool {
        guard let index = banks.firstIndex(where: { $0.hash == hash }), banks[index].allocated.isSelected(pcr)
        else { return false }
        banks[index].values[pcr] = TPMHash.digest(hash, banks[index].values[pcr], data)
        return true
    }

    /// The values of the state-saved PCRs, for Shutdown(STATE).
    func stateSavedValues() -> [TPMIAlgHash: [[UInt8]]] {
        var saved: [TPMIAlgHash: [[UInt8]]] = [:]
        for bank in banks {
            saved[bank.hash] = (0..<PCRAttributes.count).filter { PCRAttributes.table[$0].stateSave }.map {
                bank.values[$0]
            }
        }
        return saved
    }
}
