// SPDX-License-Identifier: Apache-2.0

// The members of TPMU_ATTEST (Part 2, 10.12): what each attestation command vouches for.

/// TPMS_TIME_ATTEST_INFO — Part 2, 10.12.2 (GetTime).
public struct TPMSTimeAttestInfo: TPMCodable, Hashable, Sendable {
    public var time: TPMSTimeInfo
    public var firmwareVersion: UInt64

    public init(time: TPMSTimeInfo, firmwareVersion: UInt64) {
        self.time = time
        self.firmwareVersion = firmwareVersion
    }

    public func marshal(into writer: inout TPMWriter) {
        time.marshal(into: &writer)
        writer.writeInteger(firmwareVersion)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        time = try TPMSTimeInfo(unmarshalling: &reader)
        firmwareVersion = try reader.readInteger()
    }
}

/// TPMS_CERTIFY_INFO — Part 2, 10.12.3 (Certify).
public struct TPMSCertifyInfo: TPMCodable, Hashable, Sendable {
    public var name: TPM2BName
    public var qualifiedName: TPM2BName

    public init(name: TPM2BName, qualifiedName: TPM2BName) {
        self.name = name
        self.qualifiedName = qualifiedName
    }

    public func marshal(into writer: inout TPMWriter) {
        name.marshal(into: &writer)
        qualifiedName.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        name = try TPM2BName(unmarshalling: &reader)
        qualifiedName = try TPM2BName(unmarshalling: &reader)
    }
}

/// TPMS_QUOTE_INFO — Part 2, 10.12.4 (Quote).
public struct TPMSQuoteInfo: TPMCodable, Hashable, Sendable {
    public var pcrSelect: TPMLPCRSelection
    /// The digest of the selected PCRs, with the signing key's scheme hash.
    public var pcrDigest: TPM2BDigest

    public init(pcrSelect: TPMLPCRSelection, pcrDigest: TPM2BDigest) {
        self.pcrSelect = pcrSelect
        self.pcrDigest = pcrDigest
    }

    public func marshal(into writer: inout TPMWriter) {
        pcrSelect.marshal(into: &writer)
        pcrDigest.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        pcrSelect = try TPMLPCRSelection(unmarshalling: &reader)
        pcrDigest = try TPM2BDigest(unmarshalling: &reader)
    }
}

/// TPMS_COMMAND_AUDIT_INFO — Part 2, 10.12.5 (GetCommandAuditDigest).
public struct TPMSCommandAuditInfo: TPMCodable, Hashable, Sendable {
    public var auditCounter: UInt64
    /// The audit hash: a plain TPM_ALG_ID in the spec table.
    public var digestAlg: TPMAlgID
    public var auditDigest: TPM2BDigest
    public var commandDigest: TPM2BDigest

    public init(auditCounter: UInt64, digestAlg: TPMAlgID, auditDigest: TPM2BDigest, commandDigest: TPM2BDigest) {
        self.auditCounter = auditCounter
        self.digestAlg = digestAlg
        self.auditDigest = auditDigest
        self.commandDigest = commandDigest
    }

    public func marshal(into writer: inout TPMWriter) {
        writer.writeInteger(auditCounter)
        digestAlg.marshal(into: &writer)
        auditDigest.marshal(into: &writer)
        commandDigest.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        auditCounter = try reader.readInteger()
        digestAlg = try TPMAlgID(unmarshalling: &reader)
        auditDigest = try TPM2BDigest(unmarshalling: &reader)
        commandDigest = try TPM2BDigest(unmarshalling: &reader)
    }
}

/// TPMS_SESSION_AUDIT_INFO — Part 2, 10.12.6 (GetSessionAuditDigest).
public struct TPMSSessionAuditInfo: TPMCodable, Hashable, Sendable {
    /// True if every command since the audit digest was last reset used this session exclusively.
    public var exclusiveSession: Bool
    public var sessionDigest: TPM2BDigest

    public init(exclusiveSession: Bool, sessionDigest: TPM2BDigest) {
        self.exclusiveSession = exclusiveSession
        self.sessionDigest = sessionDigest
    }

    public func marshal(into writer: inout TPMWriter) {
        exclusiveSession.marshal(into: &writer)
        sessionDigest.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        exclusiveSession = try Bool(unmarshalling: &reader)
        sessionDigest = try TPM2BDigest(unmarshalling: &reader)
    }
}

/// TPMS_CREATION_INFO — Part 2, 10.12.7 (CertifyCreation).
public struct TPMSCreationInfo: TPMCodable, Hashable, Sendable {
    public var objectName: TPM2BName
    public var creationHash: TPM2BDigest

    public init(objectName: TPM2BName, creationHash: TPM2BDigest) {
        self.objectName = objectName
        self.creationHash = creationHash
    }

    public func marshal(into writer: inout TPMWriter) {
        objectName.marshal(into: &writer)
        creationHash.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        objectName = try TPM2BName(unmarshalling: &reader)
        creationHash = try TPM2BDigest(unmarshalling: &reader)
    }
}

/// TPMS_NV_CERTIFY_INFO — Part 2, 10.12.8 (NV_Certify).
public struct TPMSNVCertifyInfo: TPMCodable, Hashable, Sendable {
    public var indexName: TPM2BName
    public var offset: UInt16
    public var nvContents: TPM2BMaxNVBuffer

    public init(indexName: TPM2BName, offset: UInt16, nvContents: TPM2BMaxNVBuffer) {
        self.indexName = indexName
        self.offset = offset
        self.nvContents = nvContents
    }

    public func marshal(into writer: inout TPMWriter) {
        indexName.marshal(into: &writer)
        writer.writeInteger(offset)
        nvContents.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        indexName = try TPM2BName(unmarshalling: &reader)
        offset = try reader.readInteger()
        nvContents = try TPM2BMaxNVBuffer(unmarshalling: &reader)
    }
}
