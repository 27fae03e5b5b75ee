// SPDX-License-Identifier: Apache-2.0

/// TPMT_RSA_SCHEME — Part 2, 11.2.4.2, with TPMU_ASYM_SCHEME (11.2.3.5): the scheme of an RSA key.
/// The case is the TPMI_ALG_RSA_SCHEME selector.
///
/// TPMT_RSA_SCHEME+ (TPMS_RSA_PARMS) is `TPMTRSAScheme?`. Other selectors throw ``TPMRC/value``.
public enum TPMTRSAScheme: TPMNullable, Hashable, Sendable {
    case rsassa(TPMSSigSchemeRSASSA)
    case rsapss(TPMSSigSchemeRSAPSS)
    /// RSAES-PKCS1-v1_5: TPMS_ENC_SCHEME_RSAES is TPMS_EMPTY, nothing follows the selector.
    case rsaes
    case oaep(TPMSEncSchemeOAEP)

    public static let nullRawValue = TPMAlgID.null.rawValue

    public var scheme: TPMAlgID {
        switch self {
        case .rsassa: .rsassa
        case .rsapss: .rsapss
        case .rsaes: .rsaes
        case .oaep: .oaep
        }
    }

    /// The scheme's hash; RSAES has none.
    public var hashAlg: TPMIAlgHash? {
        switch self {
        case .rsassa(let details), .rsapss(let details), .oaep(let details): details.hashAlg
        case .rsaes: nil
        }
    }

    public func marshal(into writer: inout TPMWriter) {
        scheme.marshal(into: &writer)
        switch self {
        case .rsassa(let details), .rsapss(let details), .oaep(let details): details.marshal(into: &writer)
        case .rsaes: break
        }
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        switch try TPMIAlgRSAScheme(unmarshalling: &reader).algorithm {
        case .rsassa: self = .rsassa(try TPMSSigSchemeRSASSA(unmarshalling: &reader))
        case .rsapss: self = .rsapss(try TPMSSigSchemeRSAPSS(unmarshalling: &reader))
        case .rsaes: self = .rsaes
        case .oaep: self = .oaep(try TPMSEncSchemeOAEP(unmarshalling: &reader))
        default: throw .selector
        }
    }
}

/// TPMT_RSA_DECRYPT — Part 2, 11.2.4.4: the padding for RSA_Encrypt and RSA_Decrypt.
/// The case is the TPMI_ALG_RSA_DECRYPT selector.
///
/// TPMT_RSA_DECRYPT+ is `TPMTRSADecrypt?` (nil: use the key's scheme). Other selectors throw ``TPMRC/value``.
public enum TPMTRSADecrypt: TPMNullable, Hashable, Sendable {
    case rsaes
    case oaep(TPMSEncSchemeOAEP)

    public static let nullRawValue = TPMAlgID.null.rawValue

    public var scheme: TPMAlgID {
        switch self {
        case .rsaes: .rsaes
        case .oaep: .oaep
        }
    }

    public func marshal(into writer: inout TPMWriter) {
        scheme.marshal(into: &writer)
        if case .oaep(let details) = self {
            details.marshal(into: &writer)
        }
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        switch try TPMIAlgRSADecrypt(unmarshalling: &reader).algorithm {
        case .rsaes: self = .rsaes
        case .oaep: self = .oaep(try TPMSEncSchemeOAEP(unmarshalling: &reader))
        default: throw .selector
        }
    }
}

/// TPMT_ECC_SCHEME — Part 2, 11.2.5.6, with TPMU_ASYM_SCHEME (11.2.3.5): the scheme of an ECC key.
/// The case is the TPMI_ALG_ECC_SCHEME selector.
///
/// TPMT_ECC_SCHEME+ (TPMS_ECC_PARMS) is `TPMTECCScheme?`. Other selectors throw ``TPMRC/scheme``.
public enum TPMTECCScheme: TPMNullable, Hashable, Sendable {
    case ecdsa(TPMSSigSchemeECDSA)
    case ecdh(TPMSKeySchemeECDH)

    public static let nullRawValue = TPMAlgID.null.rawValue

    public var scheme: TPMAlgID {
        switch self {
        case .ecdsa: .ecdsa
        case .ecdh: .ecdh
        }
    }

    public var hashAlg: TPMIAlgHash {
        switch self {
        case .ecdsa(let details), .ecdh(let details): details.hashAlg
        }
    }

    public func marshal(into writer: inout TPMWriter) {
        scheme.marshal(into: &writer)
        switch self {
        case .ecdsa(let details), .ecdh(let details): details.marshal(into: &writer)
        }
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        switch try TPMIAlgECCScheme(unmarshalling: &reader).algorithm {
        case .ecdsa: self = .ecdsa(try TPMSSigSchemeECDSA(unmarshalling: &reader))
        case .ecdh: self = .ecdh(try TPMSKeySchemeECDH(unmarshalling: &reader))
        default: throw .selector
        }
    }
}
