// SPDX-License-Identifier: Apache-2.0

/// TPMS_SYMCIPHER_PARMS — Part 2, 11.1.9: the cipher of a symmetric-block-cipher object.
///
/// `sym` is TPMT_SYM_DEF_OBJECT without "+": a null algorithm throws ``TPMRC/symmetric``.
public struct TPMSSymCipherParms: TPMCodable, Hashable, Sendable {
    public var sym: TPMTSymDefObject

    public init(sym: TPMTSymDefObject) {
        self.sym = sym
    }

    public func marshal(into writer: inout TPMWriter) {
        sym.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        sym = try TPMTSymDefObject(unmarshalling: &reader)
    }
}

/// TPMS_KEYEDHASH_PARMS — Part 2, 12.2.3.3: the scheme of a keyed-hash object; nil (TPM_ALG_NULL) for a
/// sealed data object or an HMAC key whose scheme each command names.
public struct TPMSKeyedHashParms: TPMCodable, Hashable, Sendable {
    public var scheme: TPMTKeyedHashScheme?

    public init(scheme: TPMTKeyedHashScheme?) {
        self.scheme = scheme
    }

    public func marshal(into writer: inout TPMWriter) {
        scheme.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        scheme = try .unmarshalNullable(from: &reader)
    }
}

/// TPMS_RSA_PARMS — Part 2, 12.2.3.5.
public struct TPMSRSAParms: TPMCodable, Hashable, Sendable {
    /// The cipher for a storage key's children; nil (TPM_ALG_NULL) for other keys.
    public var symmetric: TPMTSymDefObject?
    /// nil (TPM_ALG_NULL) lets each command name the scheme.
    public var scheme: TPMTRSAScheme?
    public var keyBits: TPMIRSAKeyBits
    /// The public exponent; 0 stands for the default 2^16 + 1 (Part 2, 12.2.3.5).
    public var exponent: UInt32

    public init(symmetric: TPMTSymDefObject?, scheme: TPMTRSAScheme?, keyBits: TPMIRSAKeyBits, exponent: UInt32 = 0) {
        self.symmetric = symmetric
        self.scheme = scheme
        self.keyBits = keyBits
        self.exponent = exponent
    }

    public func marshal(into writer: inout TPMWriter) {
        symmetric.marshal(into: &writer)
        scheme.marshal(into: &writer)
        keyBits.marshal(into: &writer)
        writer.writeInteger(exponent)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        symmetric = try .unmarshalNullable(from: &reader)
        scheme = try .unmarshalNullable(from: &reader)
        keyBits = try TPMIRSAKeyBits(unmarshalling: &reader)
        exponent = try reader.readInteger()
    }
}

/// TPMS_ECC_PARMS — Part 2, 12.2.3.6.
public struct TPMSECCParms: TPMCodable, Hashable, Sendable {
    /// The cipher for a storage key's children; nil (TPM_ALG_NULL) for other keys.
    public var symmetric: TPMTSymDefObject?
    /// nil (TPM_ALG_NULL) lets each command name the scheme.
    public var scheme: TPMTECCScheme?
    public var curveID: TPMIECCCurve
    public var kdf: TPMTKDFScheme?

    public init(symmetric: TPMTSymDefObject?, scheme: TPMTECCScheme?, curveID: TPMIECCCurve, kdf: TPMTKDFScheme?) {
        self.symmetric = symmetric
        self.scheme = scheme
        self.curveID = curveID
        self.kdf = kdf
    }

    public func marshal(into writer: inout TPMWriter) {
        symmetric.marshal(into: &writer)
        scheme.marshal(into: &writer)
        curveID.marshal(into: &writer)
        kdf.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        symmetric = try .unmarshalNullable(from: &reader)
        scheme = try .unmarshalNullable(from: &reader)
        curveID = try TPMIECCCurve(unmarshalling: &reader)
        kdf = try .unmarshalNullable(from: &reader)
    }
}
