// SPDX-License-Identifier: Apache-2.0

/// TPMT_SIGNATURE — Part 2, 11.3.4, with TPMU_SIGNATURE (11.3.3): a signature. The case is the
/// TPMI_ALG_SIG_SCHEME selector `sigAlg`.
///
/// TPMU_SIGNATURE's null member is the nil of `TPMTSignature?`, which marshals as TPM_ALG_NULL alone: that is
/// the TPMT_SIGNATURE+ that attestation commands return when they sign with TPM_RH_NULL. Where "+" is not
/// allowed (VerifySignature, PolicySigned), TPM_ALG_NULL and other selectors throw ``TPMRC/scheme``.
public enum TPMTSignature: TPMNullable, Hashable, Sendable {
    /// An HMAC: a TPMT_HA, whose digest has exactly its hash's size.
    case hmac(TPMTHA)
    case rsassa(TPMSSignatureRSA)
    case rsapss(TPMSSignatureRSA)
    case ecdsa(TPMSSignatureECC)

    public static let nullRawValue = TPMAlgID.null.rawValue

    /// The TPMI_ALG_SIG_SCHEME selector.
    public var sigAlg: TPMAlgID {
        switch self {
        case .hmac: .hmac
        case .rsassa: .rsassa
        case .rsapss: .rsapss
        case .ecdsa: .ecdsa
        }
    }

    /// The hash of the signed digest.
    public var hashAlg: TPMIAlgHash {
        switch self {
        case .hmac(let ha): ha.hashAlg
        case .rsassa(let signature), .rsapss(let signature): signature.hash
        case .ecdsa(let signature): signature.hash
        }
    }

    public func marshal(into writer: inout TPMWriter) {
        sigAlg.marshal(into: &writer)
        switch self {
        case .hmac(let ha): ha.marshal(into: &writer)
        case .rsassa(let signature), .rsapss(let signature): signature.marshal(into: &writer)
        case .ecdsa(let signature): signature.marshal(into: &writer)
        }
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        switch try TPMIAlgSigScheme(unmarshalling: &reader).algorithm {
        case .hmac: self = .hmac(try TPMTHA(unmarshalling: &reader))
        case .rsassa: self = .rsassa(try TPMSSignatureRSA(unmarshalling: &reader))
        case .rsapss: self = .rsapss(try TPMSSignatureRSA(unmarshalling: &reader))
        case .ecdsa: self = .ecdsa(try TPMSSignatureECC(unmarshalling: &reader))
        default: throw .selector
        }
    }
}
