// SPDX-License-Identifier: Apache-2.0

import TPMCrypto
import TPMWire

extension TPMEngine {
    /// The current digest of the selected PCRs — H(PCR values in selection order) (ms-tpm
    /// `PCRComputeCurrentDigest`). PCRs that are not allocated are left out of the selection it returns.
    func pcrDigest(_ hash: TPMIAlgHash, selection: TPMLPCRSelection) throws(TPMRC) -> (TPMLPCRSelection, [UInt8]) {
        var state = TPMHashState(hash)
        var used: [TPMSPCRSelection] = []
        for var select in selection.elements {
            for pcr in select.pcrs {
                guard let value = pcrs.value(pcr, in: select.hash) else {
                    select.setSelected(pcr, false)
                    continue
                }
                state.update(value)
            }
            used.append(select)
        }
        return (try TPMLPCRSelection(used), state.finalize())
    }

    /// TPMA_LOCALITY for the locality a command arrived at.
    static func localityAttribute(_ locality: UInt8) -> TPMALocality {
        locality < 5 ? TPMALocality(rawValue: 1 << locality) : TPMALocality(rawValue: locality)
    }

    /// TPMS_CREATION_DATA and its digest for a new object (Part 3, 12.1 and 24.1), and the creation ticket
    /// HMAC(proof, TPM_ST_CREATION || Name || creationHash) — Part 1, 12.3.
    func creation(
        of object: KeyObject, hierarchy: TPMHandle, parent: (nameAlg: TPMAlgID, name: [UInt8], qualifiedName: [UInt8]),
        outsideInfo: TPM2BData, pcrSelection: TPMLPCRSelection, locality: UInt8
    ) throws(TPMRC) -> (data: TPMSCreationData, hash: [UInt8], ticket: TPMTTKCreation) {
        guard let nameAlg = object.nameAlg else { throw .hash }
        let (selection, digest) = try pcrDigest(nameAlg, selection: pcrSelection)
        let data = TPMSCreationData(
            pcrSelect: selection, pcrDigest: try TPM2BDigest(digest), locality: Self.localityAttribute(locality),
            parentNameAlg: parent.nameAlg, parentName: try TPM2BName(parent.name),
            parentQualifiedName: try TPM2BName(parent.qualifiedName), outsideInfo: outsideInfo)
        let hash = TPMHash.digest(nameAlg, data.marshalled())
        return (data, hash, try creationTicket(hierarchy, name: object.name, creationHash: hash))
    }

    func creationTicket(_ hierarchy: TPMHandle, name: [UInt8], creationHash: [UInt8]) throws(TPMRC) -> TPMTTKCreation {
        guard let proof = proof(of: hierarchy) else { return try TPMTTKCreation(hierarchy: .null, digest: .empty) }
        var writer = TPMWriter()
        TPMST.creation.marshal(into: &writer)
        writer.writeBytes(name)
        writer.writeBytes(creationHash)
        let hmac = TPMHash.hmac(Self.contextIntegrityHash, key: proof, writer.bytes)
        return try TPMTTKCreation(hierarchy: hierarchy, digest: try TPM2BDigest(hmac))
    }
}
