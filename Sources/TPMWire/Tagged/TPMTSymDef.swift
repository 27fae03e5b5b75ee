// SPDX-License-Identifier: Apache-2.0

/// TPMT_SYM_DEF — Part 2, 11.1.6, with its unions TPMU_SYM_KEY_BITS (11.1.3) and TPMU_SYM_MODE (11.1.4):
/// the symmetric algorithm of a session. The case is the TPMI_ALG_SYM selector.
///
/// TPMT_SYM_DEF+ (StartAuthSession) is `TPMTSymDef?`; nil marshals as TPM_ALG_NULL with both unions empty.
/// Unmarshalling an unimplemented algorithm, TPM_ALG_NULL included, throws ``TPMRC/symmetric``.
public enum TPMTSymDef: TPMNullable, Hashable, Sendable {
    /// AES with a key size and a mode; the mode is TPMI_ALG_SYM_MODE+, so nil is TPM_ALG_NULL.
    case aes(keyBits: TPMIAESKeyBits, mode: TPMIAlgSymMode?)
    /// XOR obfuscation. Its hash sits in the key-bits union and its mode union is empty (Part 2, 11.1.4).
    case xor(hashAlg: TPMIAlgHash)

    public static let nullRawValue = TPMAlgID.null.rawValue

    /// The TPMI_ALG_SYM selector.
    public var algorithm: TPMAlgID {
        switch self {
        case .aes: .aes
        case .xor: .xor
        }
    }

    /// The block cipher mode; nil for XOR, which has none, and for a null AES mode.
    public var mode: TPMIAlgSymMode? {
        switch self {
        case .aes(_, let mode): mode
        case .xor: nil
        }
    }

    /// An object's cipher as a session definition: every TPMT_SYM_DEF_OBJECT is also a valid TPMT_SYM_DEF.
    public init(_ object: TPMTSymDefObject) {
        switch object {
        case .aes(let keyBits, let mode): self = .aes(keyBits: keyBits, mode: mode)
        }
    }

    public func marshal(into writer: inout TPMWriter) {
        algorithm.marshal(into: &writer)
        switch self {
        case .aes(let keyBits, let mode):
            keyBits.marshal(into: &writer)
            mode.marshal(into: &writer)
        case .xor(let hashAlg):
            hashAlg.marshal(into: &writer)
        }
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        let algorithm = try TPMIAlgSym(unmarshalling: &reader).algorithm
        switch algorithm {
        case .aes:
            let keyBits = try TPMIAESKeyBits(unmarshalling: &reader)
            self = .aes(keyBits: keyBits, mode: try .unmarshalNullable(from: &reader))
        case .xor:
            self = .xor(hashAlg: try TPMIAlgHash(unmarshalling: &reader))
        default:
            throw .selector
        }
    }
}

/// TPMT_SYM_DEF_OBJECT — Part 2, 11.1.7: the block cipher that protects an object's children or its
/// sensitive area. The case is the TPMI_ALG_SYM_OBJECT selector; XOR is not allowed here.
///
/// TPMT_SYM_DEF_OBJECT+ (RSA and ECC parameters) is `TPMTSymDefObject?`. Unmarshalling anything else than
/// an implemented block cipher, TPM_ALG_NULL included, throws ``TPMRC/symmetric``.
public enum TPMTSymDefObject: TPMNullable, Hashable, Sendable {
    /// AES with a key size and a mode; the mode is TPMI_ALG_SYM_MODE+, so nil is TPM_ALG_NULL.
    case aes(keyBits: TPMIAESKeyBits, mode: TPMIAlgSymMode?)

    public static let nullRawValue = TPMAlgID.null.rawValue

    /// The TPMI_ALG_SYM_OBJECT selector.
    public var algorithm: TPMAlgID {
        switch self {
        case .aes: .aes
        }
    }

    public var keyBits: UInt16 {
        switch self {
        case .aes(let keyBits, _): keyBits.bits
        }
    }

    public var mode: TPMIAlgSymMode? {
        switch self {
        case .aes(_, let mode): mode
        }
    }

    public func marshal(into writer: inout TPMWriter) {
        algorithm.marshal(into: &writer)
        switch self {
        case .aes(let keyBits, let mode):
            keyBits.marshal(into: &writer)
            mode.marshal(into: &writer)
        }
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        let algorithm = try TPMIAlgSymObject(unmarshalling: &reader).algorithm
        switch algorithm {
        case .aes:
            let keyBits = try TPMIAESKeyBits(unmarshalling: &reader)
            self = .aes(keyBits: keyBits, mode: try .unmarshalNullable(from: &reader))
        default:
            throw .selector
        }
    }
}
