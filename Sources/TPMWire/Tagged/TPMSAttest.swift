// SPDX-License-Identifier: Apache-2.0

/// TPMU_ATTEST — Part 2, 10.12.11: what an attestation vouches for. The case is the TPMI_ST_ATTEST selector
/// (10.12.10), the `type` field of TPMS_ATTEST.
public enum TPMUAttest: Hashable, Sendable {
    case certify(TPMSCertifyInfo)
    case creation(TPMSCreationInfo)
    case quote(TPMSQuoteInfo)
    case commandAudit(TPMSCommandAuditInfo)
    case sessionAudit(TPMSSessionAuditInfo)
    case time(TPMSTimeAttestInfo)
    case nv(TPMSNVCertifyInfo)

    /// The TPMI_ST_ATTEST selector.
    public var type: TPMST {
        switch self {
        case .certify: .attestCertify
        case .creation: .attestCreation
        case .quote: .attestQuote
        case .commandAudit: .attestCommandAudit
        case .sessionAudit: .attestSessionAudit
        case .time: .attestTime
        case .nv: .attestNv
        }
    }

    /// The TPMI_ST_ATTEST members.
    public static let selectors: [TPMST] = [
        .attestCertify, .attestCreation, .attestQuote, .attestCommandAudit, .attestSessionAudit, .attestTime,
        .attestNv,
    ]

    func marshalMember(into writer: inout TPMWriter) {
        switch self {
        case .certify(let info): info.marshal(into: &writer)
        case .creation(let info): info.marshal(into: &writer)
        case .quote(let info): info.marshal(into: &writer)
        case .commandAudit(let info): info.marshal(into: &writer)
        case .sessionAudit(let info): info.marshal(into: &writer)
        case .time(let info): info.marshal(into: &writer)
        case .nv(let info): info.marshal(into: &writer)
        }
    }

    /// Reads the member `type` selects. Any other tag throws ``TPMRC/selector``, which is also what libtpms
    /// answers for a bad TPMI_ST_ATTEST.
    public static func unmarshal(selector type: TPMST, from reader: inout TPMReader) throws(TPMRC) -> Self {
        switch type {
        case .attestCertify: .certify(try TPMSCertifyInfo(unmarshalling: &reader))
        case .attestCreation: .creation(try TPMSCreationInfo(unmarshalling: &reader))
        case .attestQuote: .quote(try TPMSQuoteInfo(unmarshalling: &reader))
        case .attestCommandAudit: .commandAudit(try TPMSCommandAuditInfo(unmarshalling: &reader))
        case .attestSessionAudit: .sessionAudit(try TPMSSessionAuditInfo(unmarshalling: &reader))
        case .attestTime: .time(try TPMSTimeAttestInfo(unmarshalling: &reader))
        case .attestNv: .nv(try TPMSNVCertifyInfo(unmarshalling: &reader))
        default: throw .selector
        }
    }
}

/// TPMS_ATTEST — Part 2, 10.12.12: the structure an attestation key signs.
///
/// `magic` is always TPM_GENERATED_VALUE; unmarshalling anything else throws ``TPMRC/value`` (libtpms
/// `TPM_GENERATED_Unmarshal`), which is how a verifier tells TPM-made attestations from signed user data.
public struct TPMSAttest: TPMCodable, Hashable, Sendable {
    /// TPM_GENERATED_VALUE — Part 2, 6.2: "\xFFTCG".
    public static let generatedValue: UInt32 = 0xFF54_4347

    /// The qualified Name of the signing key.
    public var qualifiedSigner: TPM2BName
    /// The caller's `qualifyingData`.
    public var extraData: TPM2BData
    public var clockInfo: TPMSClockInfo
    public var firmwareVersion: UInt64
    public var attested: TPMUAttest

    public init(
        qualifiedSigner: TPM2BName, extraData: TPM2BData, clockInfo: TPMSClockInfo, firmwareVersion: UInt64,
        attested: TPMUAttest
    ) {
        self.qualifiedSigner = qualifiedSigner
        self.extraData = extraData
        self.clockInfo = clockInfo
        self.firmwareVersion = firmwareVersion
        self.attested = attested
    }

    /// The TPMI_ST_ATTEST selector.
    public var type: TPMST { attested.type }

    /// The largest marshalled TPMS_ATTEST: the fixed fields with full names and data, then the largest
    /// member, TPMS_NV_CERTIFY_INFO with a full TPM2B_MAX_NV_BUFFER.
    public static let maxMarshalledSize =
        4 + 2 + (2 + TPM2BName.maxSize) + (2 + TPM2BData.maxSize)
        + (8 + 4 + 4 + 1) + 8 + (2 + TPM2BName.maxSize) + 2 + (2 + TPM2BMaxNVBuffer.maxSize)

    public func marshal(into writer: inout TPMWriter) {
        writer.writeInteger(Self.generatedValue)
        type.marshal(into: &writer)
        qualifiedSigner.marshal(into: &writer)
        extraData.marshal(into: &writer)
        clockInfo.marshal(into: &writer)
        writer.writeInteger(firmwareVersion)
        attested.marshalMember(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        guard try reader.readInteger(as: UInt32.self) == Self.generatedValue else { throw .value }
        let type = try TPMST(unmarshalling: &reader)
        guard TPMUAttest.selectors.contains(type) else { throw .selector }
        qualifiedSigner = try TPM2BName(unmarshalling: &reader)
        extraData = try TPM2BData(unmarshalling: &reader)
        clockInfo = try TPMSClockInfo(unmarshalling: &reader)
        firmwareVersion = try reader.readInteger()
        attested = try TPMUAttest.unmarshal(selector: type, from: &reader)
    }
}

/// TPM2B_ATTEST — Part 2, 10.12.13: the marshalled TPMS_ATTEST, kept as bytes because the signature covers
/// exactly these bytes.
///
/// The limit is ``TPMSAttest/maxMarshalledSize`` (1263 bytes at our buffer sizes) rather than ms-tpm's C
/// `sizeof(TPMS_ATTEST)`; nothing this TPM signs is larger.
public struct TPM2BAttest: TPM2BBytes {
    public static let maxSize = TPMSAttest.maxMarshalledSize
    public let buffer: [UInt8]
    public init(_ buffer: [UInt8]) throws(TPMRC) { try Self.validate(buffer); self.buffer = buffer }

    /// The bytes of `attest`; its marshalled size is within `maxSize` by construction.
    public init(_ attest: TPMSAttest) {
        buffer = attest.marshalled()
    }

    /// Decodes the attestation; the bytes must hold exactly one TPMS_ATTEST (``TPMRC/size`` otherwise).
    public func attest() throws(TPMRC) -> TPMSAttest {
        try TPMSAttest(unmarshalling: buffer)
    }
}
