// SPDX-License-Identifier: Apache-2.0

/// The algorithms, key sizes and curves this TPM implements: the one list that the TPMI validators in this
/// module and the engine (GetCapability, object checks) both read, so that they cannot disagree.
///
/// A value outside these sets is rejected while unmarshalling, with the response code libtpms gives for
/// the TPMI type in question (TPM_RC_SYMMETRIC, TPM_RC_MODE, TPM_RC_SCHEME, TPM_RC_CURVE ...).
public enum TPMImplementation {
    /// TPMI_ALG_HASH members (SHA-1, SHA-256, SHA-384, SHA-512).
    public static let hashes: [TPMAlgID] = TPMIAlgHash.implemented.map(\.algorithm)

    /// Object types (TPMI_ALG_PUBLIC).
    public static let objectTypes: [TPMAlgID] = [.rsa, .keyedHash, .ecc, .symCipher]

    /// Block ciphers (TPMI_ALG_SYM_OBJECT); TPMI_ALG_SYM adds XOR.
    public static let blockCiphers: [TPMAlgID] = [.aes]

    /// Key sizes of AES in bits (TPMI_AES_KEY_BITS).
    public static let aesKeyBits: [UInt16] = [128, 192, 256]

    /// Block cipher modes (TPMI_ALG_SYM_MODE).
    public static let symmetricModes: [TPMAlgID] = [.ctr, .ofb, .cbc, .cfb, .ecb]

    /// RSA modulus sizes in bits (TPMI_RSA_KEY_BITS). 4096 goes beyond libtpms 0.9, which stops at 3072.
    public static let rsaKeyBits: [UInt16] = [1024, 2048, 3072, 4096]

    /// Curves (TPMI_ECC_CURVE).
    public static let eccCurves: [TPMECCCurve] = [.nistP256, .nistP384, .nistP521]

    /// RSA signing schemes.
    public static let rsaSignatureSchemes: [TPMAlgID] = [.rsassa, .rsapss]
    /// RSA encryption schemes (TPMI_ALG_RSA_DECRYPT).
    public static let rsaEncryptionSchemes: [TPMAlgID] = [.rsaes, .oaep]
    /// ECC signing schemes.
    public static let eccSignatureSchemes: [TPMAlgID] = [.ecdsa]
    /// ECC key exchange schemes (TPMI_ECC_KEY_EXCHANGE).
    public static let eccKeyExchangeSchemes: [TPMAlgID] = [.ecdh]
    /// Keyed-hash schemes (TPMI_ALG_KEYEDHASH_SCHEME): HMAC signs, XOR obfuscates.
    public static let keyedHashSchemes: [TPMAlgID] = [.hmac, .xor]
    /// Key and mask generation functions (TPMI_ALG_KDF).
    public static let kdfs: [TPMAlgID] = [.mgf1, .kdf1SP800_56A, .kdf1SP800_108]

    // MARK: - Buffer limits (Part 2, Table 2:10 "implementation constants", at the sizes above)

    /// MAX_RSA_KEY_BYTES: a 4096-bit modulus.
    public static let maxRSAKeyBytes = 512
    /// MAX_ECC_KEY_BYTES: a NIST P-521 coordinate, ceil(521 / 8).
    public static let maxECCKeyBytes = 66
    /// MAX_SYM_KEY_BYTES: an AES-256 key.
    public static let maxSymKeyBytes = 32
    /// MAX_SYM_BLOCK_SIZE: the AES block.
    public static let maxSymBlockSize = 16

    /// Every implemented algorithm identifier, TPM_ALG_NULL excluded: what GetCapability(TPM_CAP_ALGS) lists.
    public static let algorithms: Set<TPMAlgID> = Set(
        hashes + objectTypes + blockCiphers + symmetricModes + rsaSignatureSchemes + rsaEncryptionSchemes
            + eccSignatureSchemes + eccKeyExchangeSchemes + keyedHashSchemes + kdfs)
}
