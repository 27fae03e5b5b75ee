// SPDX-License-Identifier: Apache-2.0

/// TPMS_SCHEME_HASH — Part 2, 11.1.17: the hash a scheme uses. Most schemes need nothing else.
public struct TPMSSchemeHash: TPMCodable, Hashable, Sendable {
    public var hashAlg: TPMIAlgHash

    public init(hashAlg: TPMIAlgHash) {
        self.hashAlg = hashAlg
    }

    public func marshal(into writer: inout TPMWriter) {
        hashAlg.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        hashAlg = try TPMIAlgHash(unmarshalling: &reader)
    }
}

/// TPMS_SCHEME_HMAC — Part 2, 11.1.20.
public typealias TPMSSchemeHMAC = TPMSSchemeHash
/// TPMS_SIG_SCHEME_RSASSA — Part 2, 11.2.1.2.
public typealias TPMSSigSchemeRSASSA = TPMSSchemeHash
/// TPMS_SIG_SCHEME_RSAPSS — Part 2, 11.2.1.2.
public typealias TPMSSigSchemeRSAPSS = TPMSSchemeHash
/// TPMS_SIG_SCHEME_ECDSA — Part 2, 11.2.1.3.
public typealias TPMSSigSchemeECDSA = TPMSSchemeHash
/// TPMS_ENC_SCHEME_OAEP — Part 2, 11.2.2.2.
public typealias TPMSEncSchemeOAEP = TPMSSchemeHash
/// TPMS_KEY_SCHEME_ECDH — Part 2, 11.2.2.3.
public typealias TPMSKeySchemeECDH = TPMSSchemeHash
/// TPMS_KDF_SCHEME_MGF1, _KDF1_SP800_56A and _KDF1_SP800_108 — Part 2, 11.2.3.1.
public typealias TPMSKDFSchemeHash = TPMSSchemeHash

/// TPMS_SCHEME_XOR — Part 2, 11.1.21: the hash and KDF of the XOR obfuscation scheme.
public struct TPMSSchemeXOR: TPMCodable, Hashable, Sendable {
    /// TPM_ALG_NULL is not allowed here (Part 2, table note), so this is not optional.
    public var hashAlg: TPMIAlgHash
    /// TPMI_ALG_KDF+: nil is TPM_ALG_NULL.
    public var kdf: TPMIAlgKDF?

    public init(hashAlg: TPMIAlgHash, kdf: TPMIAlgKDF?) {
        self.hashAlg = hashAlg
        self.kdf = kdf
    }

    public func marshal(into writer: inout TPMWriter) {
        hashAlg.marshal(into: &writer)
        kdf.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        hashAlg = try TPMIAlgHash(unmarshalling: &reader)
        kdf = try .unmarshalNullable(from: &reader)
    }
}
