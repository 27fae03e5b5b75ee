// SPDX-License-Identifier: Apache-2.0

/// TPMU_SENSITIVE_COMPOSITE — Part 2, 12.3.2.3: the secret of an object. The case is the object type,
/// the `sensitiveType` selector of TPMT_SENSITIVE.
public enum TPMUSensitiveComposite: Hashable, Sendable {
    /// One prime factor of the modulus.
    case rsa(TPM2BPrivateKeyRSA)
    /// The private scalar.
    case ecc(TPM2BECCParameter)
    /// The HMAC key or the sealed data.
    case keyedHash(TPM2BSensitiveData)
    /// The symmetric key.
    case symCipher(TPM2BSymKey)

    /// The TPMI_ALG_PUBLIC selector.
    public var type: TPMAlgID {
        switch self {
        case .rsa: .rsa
        case .ecc: .ecc
        case .keyedHash: .keyedHash
        case .symCipher: .symCipher
        }
    }

    /// Writes the member alone; the selector comes first in TPMT_SENSITIVE, away from the union.
    func marshalMember(into writer: inout TPMWriter) {
        switch self {
        case .rsa(let key): key.marshal(into: &writer)
        case .ecc(let key): key.marshal(into: &writer)
        case .keyedHash(let bits): bits.marshal(into: &writer)
        case .symCipher(let key): key.marshal(into: &writer)
        }
    }

    /// Reads the member `type` selects; other selectors throw ``TPMRC/selector``.
    public static func unmarshal(selector type: TPMAlgID, from reader: inout TPMReader) throws(TPMRC) -> Self {
        switch type {
        case .rsa: .rsa(try TPM2BPrivateKeyRSA(unmarshalling: &reader))
        case .ecc: .ecc(try TPM2BECCParameter(unmarshalling: &reader))
        case .keyedHash: .keyedHash(try TPM2BSensitiveData(unmarshalling: &reader))
        case .symCipher: .symCipher(try TPM2BSymKey(unmarshalling: &reader))
        default: throw .selector
        }
    }
}

/// TPMT_SENSITIVE — Part 2, 12.3.2.4: the private area of an object, before encryption.
public struct TPMTSensitive: TPMCodable, Hashable, Sendable {
    public var authValue: TPM2BAuth
    /// The seed that obfuscates the Name (or, for a storage parent, derives its children's protection keys).
    public var seedValue: TPM2BDigest
    public var sensitive: TPMUSensitiveComposite

    public init(authValue: TPM2BAuth, seedValue: TPM2BDigest, sensitive: TPMUSensitiveComposite) {
        self.authValue = authValue
        self.seedValue = seedValue
        self.sensitive = sensitive
    }

    /// The TPMI_ALG_PUBLIC selector, `sensitiveType`.
    public var sensitiveType: TPMAlgID { sensitive.type }

    /// The largest marshalled TPMT_SENSITIVE at our limits: type, two digests and the largest member
    /// (an RSA prime, MAX_RSA_KEY_BYTES / 2).
    public static let maxMarshalledSize =
        2 + (2 + TPM2BAuth.maxSize) + (2 + TPM2BDigest.maxSize)
        + 2
        + max(
            TPM2BPrivateKeyRSA.maxSize, TPM2BECCParameter.maxSize, TPM2BSensitiveData.maxSize,
            TPM2BSymKey.maxSize)

    public func marshal(into writer: inout TPMWriter) {
        sensitiveType.marshal(into: &writer)
        authValue.marshal(into: &writer)
        seedValue.marshal(into: &writer)
        sensitive.marshalMember(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        let type = try TPMIAlgPublic(unmarshalling: &reader).algorithm
        authValue = try TPM2BAuth(unmarshalling: &reader)
        seedValue = try TPM2BDigest(unmarshalling: &reader)
        sensitive = try TPMUSensitiveComposite.unmarshal(selector: type, from: &reader)
    }
}

/// TPM2B_SENSITIVE — Part 2, 12.3.3: a TPMT_SENSITIVE behind a u16 size, in the clear (LoadExternal).
///
/// Unlike the other sized structures this one may be empty: LoadExternal loads a public key alone when
/// `inPrivate` has size 0, so ``sensitiveArea`` is nil then. A non-empty area must end exactly at the size.
public struct TPM2BSensitive: TPMCodable, Hashable, Sendable {
    public var sensitiveArea: TPMTSensitive?

    public init(_ sensitiveArea: TPMTSensitive?) {
        self.sensitiveArea = sensitiveArea
    }

    public static let empty = TPM2BSensitive(nil)

    public func marshal(into writer: inout TPMWriter) {
        guard let sensitiveArea else {
            writer.writeInteger(UInt16(0))
            return
        }
        writer.writeSized { sensitiveArea.marshal(into: &$0) }
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        sensitiveArea = try reader.readOptionalSizedStructure { reader throws(TPMRC) in
            try TPMTSensitive(unmarshalling: &reader)
        }
    }
}
