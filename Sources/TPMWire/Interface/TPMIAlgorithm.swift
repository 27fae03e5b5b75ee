// SPDX-License-Identifier: Apache-2.0

/// A TPMI type over TPM_ALG_ID — Part 2, 9: an algorithm from one implemented subset.
///
/// Conforming types check their value in `init`, so an algorithm outside the subset cannot be stored and
/// unmarshalling rejects it with ``rejection``, the code libtpms returns for that TPMI type. TPM_ALG_NULL is
/// never a member: the "+" forms are `Optional` at the use site (``TPMNullable``).
public protocol TPMIAlgorithm: TPMNullable, Hashable, Sendable, CustomStringConvertible where RawNull == UInt16 {
    /// The algorithms this type admits.
    static var members: [TPMAlgID] { get }
    /// The response code for any other value.
    static var rejection: TPMRC { get }
    var algorithm: TPMAlgID { get }
    /// Validates `algorithm`; throws ``rejection`` if it is not a member.
    init(_ algorithm: TPMAlgID) throws(TPMRC)
}

extension TPMIAlgorithm {
    public static var nullRawValue: UInt16 { TPMAlgID.null.rawValue }

    static func check(_ algorithm: TPMAlgID) throws(TPMRC) {
        guard members.contains(algorithm) else { throw rejection }
    }

    public func marshal(into writer: inout TPMWriter) { algorithm.marshal(into: &writer) }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        try self.init(try TPMAlgID(unmarshalling: &reader))
    }

    public var description: String { algorithm.description }
}

// MARK: - Symmetric (Part 2, 9.29-9.31)

/// TPMI_ALG_SYM — Part 2, 9.29: a symmetric algorithm for sessions (a block cipher or XOR).
public struct TPMIAlgSym: TPMIAlgorithm {
    public static let members = TPMImplementation.blockCiphers + [.xor]
    public static let rejection = TPMRC.symmetric
    public let algorithm: TPMAlgID
    public init(_ algorithm: TPMAlgID) throws(TPMRC) { try Self.check(algorithm); self.algorithm = algorithm }
}

/// TPMI_ALG_SYM_OBJECT — Part 2, 9.30: a block cipher that can protect an object.
public struct TPMIAlgSymObject: TPMIAlgorithm {
    public static let members = TPMImplementation.blockCiphers
    public static let rejection = TPMRC.symmetric
    public let algorithm: TPMAlgID
    public init(_ algorithm: TPMAlgID) throws(TPMRC) { try Self.check(algorithm); self.algorithm = algorithm }
}

/// TPMI_ALG_SYM_MODE — Part 2, 9.31: a block cipher mode.
public struct TPMIAlgSymMode: TPMIAlgorithm {
    public static let members = TPMImplementation.symmetricModes
    public static let rejection = TPMRC.mode
    public let algorithm: TPMAlgID
    public init(_ algorithm: TPMAlgID) throws(TPMRC) { try Self.check(algorithm); self.algorithm = algorithm }

    private init(known algorithm: TPMAlgID) { self.algorithm = algorithm }
    public static let ctr = TPMIAlgSymMode(known: .ctr)
    public static let ofb = TPMIAlgSymMode(known: .ofb)
    public static let cbc = TPMIAlgSymMode(known: .cbc)
    public static let cfb = TPMIAlgSymMode(known: .cfb)
    public static let ecb = TPMIAlgSymMode(known: .ecb)
}

// MARK: - Schemes (Part 2, 9.32-9.33 and 11.2)

/// TPMI_ALG_KDF — Part 2, 9.32: a key or mask generation function.
public struct TPMIAlgKDF: TPMIAlgorithm {
    public static let members = TPMImplementation.kdfs
    public static let rejection = TPMRC.kdf
    public let algorithm: TPMAlgID
    public init(_ algorithm: TPMAlgID) throws(TPMRC) { try Self.check(algorithm); self.algorithm = algorithm }
}

/// TPMI_ALG_SIG_SCHEME — Part 2, 9.33: a signing scheme (HMAC for keyed-hash keys, RSA and ECC schemes).
public struct TPMIAlgSigScheme: TPMIAlgorithm {
    public static let members =
        [.hmac] + TPMImplementation.rsaSignatureSchemes + TPMImplementation.eccSignatureSchemes
    public static let rejection = TPMRC.scheme
    public let algorithm: TPMAlgID
    public init(_ algorithm: TPMAlgID) throws(TPMRC) { try Self.check(algorithm); self.algorithm = algorithm }
}

/// TPMI_ALG_KEYEDHASH_SCHEME — Part 2, 11.1.19. libtpms answers TPM_RC_VALUE for other values.
public struct TPMIAlgKeyedHashScheme: TPMIAlgorithm {
    public static let members = TPMImplementation.keyedHashSchemes
    public static let rejection = TPMRC.value
    public let algorithm: TPMAlgID
    public init(_ algorithm: TPMAlgID) throws(TPMRC) { try Self.check(algorithm); self.algorithm = algorithm }
}

/// TPMI_ALG_RSA_SCHEME — Part 2, 11.2.4.1: any RSA signing or encryption scheme (TPM_RC_VALUE otherwise).
public struct TPMIAlgRSAScheme: TPMIAlgorithm {
    public static let members = TPMImplementation.rsaSignatureSchemes + TPMImplementation.rsaEncryptionSchemes
    public static let rejection = TPMRC.value
    public let algorithm: TPMAlgID
    public init(_ algorithm: TPMAlgID) throws(TPMRC) { try Self.check(algorithm); self.algorithm = algorithm }
}

/// TPMI_ALG_RSA_DECRYPT — Part 2, 11.2.4.3: an RSA encryption scheme (TPM_RC_VALUE otherwise).
public struct TPMIAlgRSADecrypt: TPMIAlgorithm {
    public static let members = TPMImplementation.rsaEncryptionSchemes
    public static let rejection = TPMRC.value
    public let algorithm: TPMAlgID
    public init(_ algorithm: TPMAlgID) throws(TPMRC) { try Self.check(algorithm); self.algorithm = algorithm }
}

/// TPMI_ALG_ECC_SCHEME — Part 2, 11.2.5.4: an ECC signing or key exchange scheme (TPM_RC_SCHEME otherwise).
public struct TPMIAlgECCScheme: TPMIAlgorithm {
    public static let members = TPMImplementation.eccSignatureSchemes + TPMImplementation.eccKeyExchangeSchemes
    public static let rejection = TPMRC.scheme
    public let algorithm: TPMAlgID
    public init(_ algorithm: TPMAlgID) throws(TPMRC) { try Self.check(algorithm); self.algorithm = algorithm }
}

// MARK: - Object type (Part 2, 12.2.2)

/// TPMI_ALG_PUBLIC — Part 2, 12.2.2: an object type (TPM_RC_TYPE otherwise).
public struct TPMIAlgPublic: TPMIAlgorithm {
    public static let members = TPMImplementation.objectTypes
    public static let rejection = TPMRC.type
    public let algorithm: TPMAlgID
    public init(_ algorithm: TPMAlgID) throws(TPMRC) { try Self.check(algorithm); self.algorithm = algorithm }
}
