// SPDX-License-Identifier: Apache-2.0

/// TPMS_CREATION_DATA — Part 2, 15.1: the circumstances of an object's creation, which the creation ticket
/// vouches for.
public struct TPMSCreationData: TPMCodable, Hashable, Sendable {
    /// The PCRs that `creationPCR` selected.
    public var pcrSelect: TPMLPCRSelection
    /// The digest of those PCRs' values, using the new object's nameAlg.
    public var pcrDigest: TPM2BDigest
    public var locality: TPMALocality
    /// The parent's nameAlg: a plain TPM_ALG_ID, TPM_ALG_NULL for a primary object (whose parent is a
    /// hierarchy), so no TPMI check applies.
    public var parentNameAlg: TPMAlgID
    public var parentName: TPM2BName
    public var parentQualifiedName: TPM2BName
    /// The caller's `outsideInfo`, unchanged.
    public var outsideInfo: TPM2BData

    public init(
        pcrSelect: TPMLPCRSelection, pcrDigest: TPM2BDigest, locality: TPMALocality, parentNameAlg: TPMAlgID,
        parentName: TPM2BName, parentQualifiedName: TPM2BName, outsideInfo: TPM2BData
    ) {
        self.pcrSelect = pcrSelect
        self.pcrDigest = pcrDigest
        self.locality = locality
        self.parentNameAlg = parentNameAlg
        self.parentName = parentName
        self.parentQualifiedName = parentQualifiedName
        self.outsideInfo = outsideInfo
    }

    public func marshal(into writer: inout TPMWriter) {
        pcrSelect.marshal(into: &writer)
        pcrDigest.marshal(into: &writer)
        locality.marshal(into: &writer)
        parentNameAlg.marshal(into: &writer)
        parentName.marshal(into: &writer)
        parentQualifiedName.marshal(into: &writer)
        outsideInfo.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        pcrSelect = try TPMLPCRSelection(unmarshalling: &reader)
        pcrDigest = try TPM2BDigest(unmarshalling: &reader)
        locality = try TPMALocality(unmarshalling: &reader)
        parentNameAlg = try TPMAlgID(unmarshalling: &reader)
        parentName = try TPM2BName(unmarshalling: &reader)
        parentQualifiedName = try TPM2BName(unmarshalling: &reader)
        outsideInfo = try TPM2BData(unmarshalling: &reader)
    }
}

/// TPM2B_CREATION_DATA — Part 2, 15.2: a TPMS_CREATION_DATA behind a u16 size.
///
/// Only the TPM produces one (Create, CreatePrimary) and it is never empty, so size 0 throws ``TPMRC/size``,
/// like the other sized structures. The data must end exactly at the size (``TPMRC/size``).
public struct TPM2BCreationData: TPMCodable, Hashable, Sendable {
    public var creationData: TPMSCreationData

    public init(_ creationData: TPMSCreationData) {
        self.creationData = creationData
    }

    public func marshal(into writer: inout TPMWriter) {
        writer.writeSized { creationData.marshal(into: &$0) }
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        creationData = try reader.readNonEmptySizedStructure { reader throws(TPMRC) in
            try TPMSCreationData(unmarshalling: &reader)
        }
    }
}
