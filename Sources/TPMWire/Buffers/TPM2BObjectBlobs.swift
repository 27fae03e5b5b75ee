// SPDX-License-Identifier: Apache-2.0

/// TPM2B_PRIVATE — Part 2, 12.3.5: an encrypted private area (_PRIVATE, 12.3.4) as Create returns it.
///
/// The limit is the marshalled size of _PRIVATE at our key sizes rather than ms-tpm's C `sizeof`:
/// an outer and an inner integrity digest (2 + 64 each) and a TPM2B_SENSITIVE around the largest
/// TPMT_SENSITIVE (392 bytes), 526 bytes in all. Nothing this TPM produces or can load is larger.
public struct TPM2BPrivate: TPM2BBytes {
    public static let maxSize = 2 * (2 + TPM2BDigest.maxSize) + 2 + TPMTSensitive.maxMarshalledSize
    public let buffer: [UInt8]
    public init(_ buffer: [UInt8]) throws(TPMRC) { try Self.validate(buffer); self.buffer = buffer }
}

/// TPM2B_ID_OBJECT — Part 2, 12.4.3: an encrypted credential (TPMS_ID_OBJECT, 12.4.2: an integrity HMAC
/// and the encrypted identity, two TPM2B_DIGESTs), up to 2 × (2 + 64) = 132 bytes.
public struct TPM2BIDObject: TPM2BBytes {
    public static let maxSize = 2 * (2 + TPM2BDigest.maxSize)
    public let buffer: [UInt8]
    public init(_ buffer: [UInt8]) throws(TPMRC) { try Self.validate(buffer); self.buffer = buffer }
}

/// TPM2B_ENCRYPTED_SECRET — Part 2, 11.4.3: a seed encrypted to a key, up to sizeof(TPMU_ENCRYPTED_SECRET)
/// (11.4.2): the largest of an RSA block (MAX_RSA_KEY_BYTES, 512), an ECC point (2 × (2 + 66) = 136) and a
/// symmetric or keyed-hash secret (a TPM2B_DIGEST, 66); 512 bytes.
public struct TPM2BEncryptedSecret: TPM2BBytes {
    public static let maxSize = max(
        TPMImplementation.maxRSAKeyBytes, 2 * (2 + TPM2BECCParameter.maxSize),
        2 + TPM2BDigest.maxSize)
    public let buffer: [UInt8]
    public init(_ buffer: [UInt8]) throws(TPMRC) { try Self.validate(buffer); self.buffer = buffer }
}
