// SPDX-License-Identifier: Apache-2.0

/// TPMU_PUBLIC_PARMS (Part 2, 12.2.3.7) and TPMU_PUBLIC_ID (12.2.3.2) of one public area. They share the
/// `type` selector, so one enum carries both and they cannot disagree.
public enum TPMPublicDetails: Hashable, Sendable {
    /// An RSA key: its parameters and modulus (empty in a template).
    case rsa(TPMSRSAParms, unique: TPM2BPublicKeyRSA)
    /// An ECC key: its parameters and public point (empty coordinates in a template).
    case ecc(TPMSECCParms, unique: TPMSECCPoint)
    /// A keyed-hash object: its scheme and the digest that binds the public area to the secret.
    case keyedHash(TPMSKeyedHashParms, unique: TPM2BDigest)
    /// A symmetric cipher key: its cipher and the digest that binds the public area to the key.
    case symCipher(TPMSSymCipherParms, unique: TPM2BDigest)

    /// The TPMI_ALG_PUBLIC selector.
    public var type: TPMAlgID { parameters.type }

    /// The parameters alone, as TestParms and GetCapability see them.
    public var parameters: TPMTPublicParms {
        switch self {
        case .rsa(let parms, _): .rsa(parms)
        case .ecc(let parms, _): .ecc(parms)
        case .keyedHash(let parms, _): .keyedHash(parms)
        case .symCipher(let parms, _): .symCipher(parms)
        }
    }

    func marshalUnique(into writer: inout TPMWriter) {
        switch self {
        case .rsa(_, let unique): unique.marshal(into: &writer)
        case .ecc(_, let unique): unique.marshal(into: &writer)
        case .keyedHash(_, let unique), .symCipher(_, let unique): unique.marshal(into: &writer)
        }
    }

    /// Reads TPMU_PUBLIC_ID for `parameters`' type and pairs the two.
    static func unmarshalUnique(for parameters: TPMTPublicParms, from reader: inout TPMReader) throws(TPMRC) -> Self {
        switch parameters {
        case .rsa(let parms): .rsa(parms, unique: try TPM2BPublicKeyRSA(unmarshalling: &reader))
        case .ecc(let parms): .ecc(parms, unique: try TPMSECCPoint(unmarshalling: &reader))
        case .keyedHash(let parms): .keyedHash(parms, unique: try TPM2BDigest(unmarshalling: &reader))
        case .symCipher(let parms): .symCipher(parms, unique: try TPM2BDigest(unmarshalling: &reader))
        }
    }
}

/// TPMT_PUBLIC — Part 2, 12.2.4: the public area of an object.
///
/// `nameAlg` is "+TPMI_ALG_HASH": only LoadExternal accepts TPM_ALG_NULL (an object without a Name), so the
/// plain ``init(unmarshalling:)`` rejects it with ``TPMRC/hash`` and LoadExternal uses
/// ``init(unmarshalling:allowNullNameAlg:)``. Attribute consistency (restricted, decrypt, sign ...) is an
/// object check in the engine, not a wire check.
public struct TPMTPublic: TPMCodable, Hashable, Sendable {
    /// nil is TPM_ALG_NULL.
    public var nameAlg: TPMIAlgHash?
    public var objectAttributes: TPMAObject
    public var authPolicy: TPM2BDigest
    public var details: TPMPublicDetails

    public init(
        nameAlg: TPMIAlgHash?, objectAttributes: TPMAObject, authPolicy: TPM2BDigest = .empty,
        details: TPMPublicDetails
    ) {
        self.nameAlg = nameAlg
        self.objectAttributes = objectAttributes
        self.authPolicy = authPolicy
        self.details = details
    }

    /// The TPMI_ALG_PUBLIC selector.
    public var type: TPMAlgID { details.type }
    public var parameters: TPMTPublicParms { details.parameters }

    public func marshal(into writer: inout TPMWriter) {
        type.marshal(into: &writer)
        nameAlg.marshal(into: &writer)
        objectAttributes.marshal(into: &writer)
        authPolicy.marshal(into: &writer)
        parameters.marshalParameters(into: &writer)
        details.marshalUnique(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        try self.init(unmarshalling: &reader, allowNullNameAlg: false)
    }

    /// Reads a public area; `allowNullNameAlg` is the "+" of `nameAlg` (true only for LoadExternal).
    public init(unmarshalling reader: inout TPMReader, allowNullNameAlg: Bool) throws(TPMRC) {
        let type = try TPMIAlgPublic(unmarshalling: &reader).algorithm
        if allowNullNameAlg {
            nameAlg = try .unmarshalNullable(from: &reader)
        } else {
            nameAlg = try TPMIAlgHash(unmarshalling: &reader)
        }
        objectAttributes = try TPMAObject(unmarshalling: &reader)
        authPolicy = try TPM2BDigest(unmarshalling: &reader)
        let parameters = try TPMTPublicParms.unmarshal(selector: type, from: &reader)
        details = try TPMPublicDetails.unmarshalUnique(for: parameters, from: &reader)
    }
}

/// TPM2B_PUBLIC — Part 2, 12.2.5: a TPMT_PUBLIC behind a u16 size.
///
/// Size 0 throws ``TPMRC/size``: every command that takes a TPM2B_PUBLIC needs a public area, and libtpms
/// rejects an empty one the same way. The public area must end exactly at the size (``TPMRC/size``).
public struct TPM2BPublic: TPMCodable, Hashable, Sendable {
    public var publicArea: TPMTPublic

    public init(_ publicArea: TPMTPublic) {
        self.publicArea = publicArea
    }

    public func marshal(into writer: inout TPMWriter) {
        writer.writeSized { publicArea.marshal(into: &$0) }
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        try self.init(unmarshalling: &reader, allowNullNameAlg: false)
    }

    /// Reads the sized public area; see ``TPMTPublic/init(unmarshalling:allowNullNameAlg:)``.
    public init(unmarshalling reader: inout TPMReader, allowNullNameAlg: Bool) throws(TPMRC) {
        publicArea = try reader.readNonEmptySizedStructure { reader throws(TPMRC) in
            try TPMTPublic(unmarshalling: &reader, allowNullNameAlg: allowNullNameAlg)
        }
    }
}
