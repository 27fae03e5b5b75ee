// SPDX-License-Identifier: Apache-2.0

/// TPMT_PUBLIC_PARMS — Part 2, 12.2.3.8, with TPMU_PUBLIC_PARMS (12.2.3.7): the algorithm parameters of an
/// object type, as TestParms receives them. The case is the TPMI_ALG_PUBLIC selector.
///
/// Unmarshalling applies every TPMI check of the members, which is all TPM2_TestParms does. An unimplemented
/// type throws ``TPMRC/type``.
public enum TPMTPublicParms: TPMCodable, Hashable, Sendable {
    case rsa(TPMSRSAParms)
    case ecc(TPMSECCParms)
    case keyedHash(TPMSKeyedHashParms)
    case symCipher(TPMSSymCipherParms)

    /// The TPMI_ALG_PUBLIC selector.
    public var type: TPMAlgID {
        switch self {
        case .rsa: .rsa
        case .ecc: .ecc
        case .keyedHash: .keyedHash
        case .symCipher: .symCipher
        }
    }

    public func marshal(into writer: inout TPMWriter) {
        type.marshal(into: &writer)
        marshalParameters(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        let type = try TPMIAlgPublic(unmarshalling: &reader).algorithm
        self = try Self.unmarshal(selector: type, from: &reader)
    }

    /// Writes the TPMU_PUBLIC_PARMS member alone, for containers that put the selector elsewhere.
    func marshalParameters(into writer: inout TPMWriter) {
        switch self {
        case .rsa(let parms): parms.marshal(into: &writer)
        case .ecc(let parms): parms.marshal(into: &writer)
        case .keyedHash(let parms): parms.marshal(into: &writer)
        case .symCipher(let parms): parms.marshal(into: &writer)
        }
    }

    /// Reads the TPMU_PUBLIC_PARMS member that `type` selects; other selectors throw ``TPMRC/selector``.
    public static func unmarshal(selector type: TPMAlgID, from reader: inout TPMReader) throws(TPMRC) -> Self {
        switch type {
        case .rsa: .rsa(try TPMSRSAParms(unmarshalling: &reader))
        case .ecc: .ecc(try TPMSECCParms(unmarshalling: &reader))
        case .keyedHash: .keyedHash(try TPMSKeyedHashParms(unmarshalling: &reader))
        case .symCipher: .symCipher(try TPMSSymCipherParms(unmarshalling: &reader))
        default: throw .selector
        }
    }
}
