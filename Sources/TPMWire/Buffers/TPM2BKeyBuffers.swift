// SPDX-License-Identifier: Apache-2.0

// Key material buffers. Their limits come from ``TPMImplementation``: MAX_RSA_KEY_BYTES = 512,
// MAX_ECC_KEY_BYTES = 66, MAX_SYM_KEY_BYTES = 32. An empty buffer is valid in all of them (templates carry an
// empty `unique`); whether a key's size matches its parameters is an object check, not a wire check.

/// TPM2B_PUBLIC_KEY_RSA — Part 2, 11.2.4.5: an RSA modulus or signature, up to MAX_RSA_KEY_BYTES (512).
public struct TPM2BPublicKeyRSA: TPM2BBytes {
    public static let maxSize = TPMImplementation.maxRSAKeyBytes
    public let buffer: [UInt8]
    public init(_ buffer: [UInt8]) throws(TPMRC) { try Self.validate(buffer); self.buffer = buffer }
}

/// TPM2B_PRIVATE_KEY_RSA — Part 2, 11.2.4.7: one prime factor, up to MAX_RSA_KEY_BYTES / 2 (256).
public struct TPM2BPrivateKeyRSA: TPM2BBytes {
    public static let maxSize = TPMImplementation.maxRSAKeyBytes / 2
    public let buffer: [UInt8]
    public init(_ buffer: [UInt8]) throws(TPMRC) { try Self.validate(buffer); self.buffer = buffer }
}

/// TPM2B_ECC_PARAMETER — Part 2, 11.2.5.1: a coordinate or scalar, up to MAX_ECC_KEY_BYTES (66).
public struct TPM2BECCParameter: TPM2BBytes {
    public static let maxSize = TPMImplementation.maxECCKeyBytes
    public let buffer: [UInt8]
    public init(_ buffer: [UInt8]) throws(TPMRC) { try Self.validate(buffer); self.buffer = buffer }
}

/// TPM2B_SYM_KEY — Part 2, 11.1.8: a symmetric key, up to MAX_SYM_KEY_BYTES (32).
public struct TPM2BSymKey: TPM2BBytes {
    public static let maxSize = TPMImplementation.maxSymKeyBytes
    public let buffer: [UInt8]
    public init(_ buffer: [UInt8]) throws(TPMRC) { try Self.validate(buffer); self.buffer = buffer }
}
