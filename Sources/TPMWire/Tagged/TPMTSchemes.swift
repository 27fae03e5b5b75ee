// SPDX-License-Identifier: Apache-2.0

/// TPMT_KEYEDHASH_SCHEME — Part 2, 11.1.23, with TPMU_SCHEME_KEYEDHASH (11.1.22): the scheme of a keyed-hash
/// object. The case is the TPMI_ALG_KEYEDHASH_SCHEME selector.
///
/// The "+" form in TPMS_KEYEDHASH_PARMS is `TPMTKeyedHashScheme?`. Other selectors throw ``TPMRC/value``.
public enum TPMTKeyedHashScheme: TPMNullable, Hashable, Sendable {
    case hmac(TPMSSchemeHMAC)
    case xor(TPMSSchemeXOR)

    public static let nullRawValue = TPMAlgID.null.rawValue

    public var scheme: TPMAlgID {
        switch self {
        case .hmac: .hmac
        case .xor: .xor
        }
    }

    public func marshal(into writer: inout TPMWriter) {
        scheme.marshal(into: &writer)
        switch self {
        case .hmac(let details): details.marshal(into: &writer)
        case .xor(let details): details.marshal(into: &writer)
        }
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        switch try TPMIAlgKeyedHashScheme(unmarshalling: &reader).algorithm {
        case .hmac: self = .hmac(try TPMSSchemeHMAC(unmarshalling: &reader))
        case .xor: self = .xor(try TPMSSchemeXOR(unmarshalling: &reader))
        default: throw .selector
        }
    }
}

/// TPMT_SIG_SCHEME — Part 2, 11.2.1.5, with TPMU_SIG_SCHEME (11.2.1.4): a signing scheme as a command
/// names it (Sign, Certify, Quote ...). The case is the TPMI_ALG_SIG_SCHEME selector.
///
/// TPMT_SIG_SCHEME+ is `TPMTSigScheme?` (nil: use the key's scheme). Other selectors throw ``TPMRC/scheme``.
public enum TPMTSigScheme: TPMNullable, Hashable, Sendable {
    case hmac(TPMSSchemeHMAC)
    case rsassa(TPMSSigSchemeRSASSA)
    case rsapss(TPMSSigSchemeRSAPSS)
    case ecdsa(TPMSSigSchemeECDSA)

    public static let nullRawValue = TPMAlgID.null.rawValue

    public var scheme: TPMAlgID {
        switch self {
        case .hmac: .hmac
        case .rsassa: .rsassa
        case .rsapss: .rsapss
        case .ecdsa: .ecdsa
        }
    }

    /// The hash every implemented signing scheme carries.
    public var hashAlg: TPMIAlgHash {
        switch self {
        case .hmac(let details), .rsassa(let details), .rsapss(let details), .ecdsa(let details): details.hashAlg
        }
    }

    public func marshal(into writer: inout TPMWriter) {
        scheme.marshal(into: &writer)
        switch self {
        case .hmac(let details), .rsassa(let details), .rsapss(let details), .ecdsa(let details):
            details.marshal(into: &writer)
        }
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        switch try TPMIAlgSigScheme(unmarshalling: &reader).algorithm {
        case .hmac: self = .hmac(try TPMSSchemeHMAC(unmarshalling: &reader))
        case .rsassa: self = .rsassa(try TPMSSigSchemeRSASSA(unmarshalling: &reader))
        case .rsapss: self = .rsapss(try TPMSSigSchemeRSAPSS(unmarshalling: &reader))
        case .ecdsa: self = .ecdsa(try TPMSSigSchemeECDSA(unmarshalling: &reader))
        default: throw .selector
        }
    }
}

/// TPMT_KDF_SCHEME — Part 2, 11.2.3.3, with TPMU_KDF_SCHEME (11.2.3.2): the KDF of an ECC key or of
/// ECDH-based commands. The case is the TPMI_ALG_KDF selector.
///
/// TPMT_KDF_SCHEME+ is `TPMTKDFScheme?`. Other selectors throw ``TPMRC/kdf``.
public enum TPMTKDFScheme: TPMNullable, Hashable, Sendable {
    case mgf1(TPMSKDFSchemeHash)
    case kdf1SP800_56A(TPMSKDFSchemeHash)
    case kdf1SP800_108(TPMSKDFSchemeHash)

    public static let nullRawValue = TPMAlgID.null.rawValue

    public var scheme: TPMAlgID {
        switch self {
        case .mgf1: .mgf1
        case .kdf1SP800_56A: .kdf1SP800_56A
        case .kdf1SP800_108: .kdf1SP800_108
        }
    }

    public var hashAlg: TPMIAlgHash {
        switch self {
        case .mgf1(let details), .kdf1SP800_56A(let details), .kdf1SP800_108(let details): details.hashAlg
        }
    }

    public func marshal(into writer: inout TPMWriter) {
        scheme.marshal(into: &writer)
        switch self {
        case .mgf1(let details), .kdf1SP800_56A(let details), .kdf1SP800_108(let details):
            details.marshal(into: &writer)
        }
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        switch try TPMIAlgKDF(unmarshalling: &reader).algorithm {
        case .mgf1: self = .mgf1(try TPMSKDFSchemeHash(unmarshalling: &reader))
        case .kdf1SP800_56A: self = .kdf1SP800_56A(try TPMSKDFSchemeHash(unmarshalling: &reader))
        case .kdf1SP800_108: self = .kdf1SP800_108(try TPMSKDFSchemeHash(unmarshalling: &reader))
        default: throw .selector
        }
    }
}
