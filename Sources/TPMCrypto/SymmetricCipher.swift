// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// A block cipher mode — TPM_ALG_CFB/CBC/CTR/OFB/ECB, Part 2, 6.3.
public enum SymmetricMode: Sendable, Hashable {
    case cfb, cbc, ctr, ofb, ecb
}

/// AES in the block modes TPM2_EncryptDecrypt offers — Part 3, 15.2; Part 1, 11.4.x (SP 800-38A modes).
///
/// ```swift
/// let (output, ivOut) = try SymmetricCipher.encrypt(data, key: key, iv: iv, mode: .cfb)
/// let (plain, _) = try SymmetricCipher.decrypt(output, key: key, iv: iv, mode: .cfb)
/// ```
///
/// `ivOut` is the chaining value that lets a caller continue the stream with a second call, as the reference
/// implementation (CryptSym.c) leaves it in its IV buffer:
/// - CFB, CBC: the last ciphertext block. After a partial final CFB block, its ciphertext bytes followed by
///   zeros.
/// - CTR: the next counter block (the input counter plus one per block, a partial final block counting as one).
/// - OFB: the last keystream block.
/// - ECB: the input IV, unchanged.
/// Empty data leaves every IV unchanged.
public enum SymmetricCipher {
    static let blockSize = 16

    /// Encrypts `data`. Throws ``TPMRC/keySize`` for a key that is not 16, 24 or 32 bytes, ``TPMRC/size`` for an
    /// IV that is not 16 bytes (ECB also accepts an empty one) or CBC/ECB data that is not whole blocks.
    public static func encrypt(
        _ data: [UInt8], key: [UInt8], iv: [UInt8], mode: SymmetricMode
    ) throws(TPMRC) -> (output: [UInt8], ivOut: [UInt8]) {
        try check(data, key: key, iv: iv, mode: mode)
        if data.isEmpty {
            return ([], iv)
        }
        switch mode {
        case .cfb:
            let output = AESAdapter.cfb(data, key: key, iv: iv, encrypt: true)
            return (output, cfbChain(ciphertext: output))
        case .cbc:
            let output = AESAdapter.cbc(data, key: key, iv: iv, encrypt: true)
            return (output, Array(output.suffix(blockSize)))
        case .ctr, .ofb:
            return stream(data, key: key, iv: iv, mode: mode)
        case .ecb:
            return (AESAdapter.ecb(data, key: key, encrypt: true), iv)
        }
    }

    /// Decrypts `data`; the checks and `ivOut` are those of ``encrypt(_:key:iv:mode:)``.
    public static func decrypt(
        _ data: [UInt8], key: [UInt8], iv: [UInt8], mode: SymmetricMode
    ) throws(TPMRC) -> (output: [UInt8], ivOut: [UInt8]) {
        try check(data, key: key, iv: iv, mode: mode)
        if data.isEmpty {
            return ([], iv)
        }
        switch mode {
        case .cfb:
            return (AESAdapter.cfb(data, key: key, iv: iv, encrypt: false), cfbChain(ciphertext: data))
        case .cbc:
            return (AESAdapter.cbc(data, key: key, iv: iv, encrypt: false), Array(data.suffix(blockSize)))
        case .ctr, .ofb:
            return stream(data, key: key, iv: iv, mode: mode)
        case .ecb:
            return (AESAdapter.ecb(data, key: key, encrypt: false), iv)
        }
    }

    private static func check(_ data: [UInt8], key: [UInt8], iv: [UInt8], mode: SymmetricMode) throws(TPMRC) {
        guard [16, 24, 32].contains(key.count) else { throw .keySize }
        switch mode {
        case .ecb:
            guard iv.isEmpty || iv.count == blockSize else { throw .size }
        default:
            guard iv.count == blockSize else { throw .size }
        }
        if mode == .cbc || mode == .ecb, data.count % blockSize != 0 {
            throw .size
        }
    }

    /// CFB's next IV: the last ciphertext block, or a partial one padded with zeros (CryptSym.c pads the IV
    /// buffer so that a continued call starts from a whole block).
    private static func cfbChain(ciphertext: [UInt8]) -> [UInt8] {
        let tail = ciphertext.count % blockSize == 0 ? blockSize : ciphertext.count % blockSize
        return Array(ciphertext.suffix(tail)) + [UInt8](repeating: 0, count: blockSize - tail)
    }

    /// CTR and OFB are their own inverse: data XOR keystream.
    private static func stream(
        _ data: [UInt8], key: [UInt8], iv: [UInt8], mode: SymmetricMode
    ) -> (output: [UInt8], ivOut: [UInt8]) {
        let blocks = (data.count + blockSize - 1) / blockSize
        let keystream: [UInt8]
        let ivOut: [UInt8]
        if mode == .ctr {
            keystream = AESAdapter.keystream(key: key, counter: iv, count: blocks * blockSize)
            ivOut = addToCounter(iv, UInt64(blocks))
        } else {
            // OFB's keystream E(iv), E(E(iv)), … is exactly the CBC encryption of zero blocks under the same IV.
            keystream = AESAdapter.cbc(
                [UInt8](repeating: 0, count: blocks * blockSize), key: key, iv: iv, encrypt: true)
            ivOut = Array(keystream.suffix(blockSize))
        }
        var output = data
        for index in output.indices {
            output[index] ^= keystream[index]
        }
        return (output, ivOut)
    }

    /// The 128-bit big-endian counter plus `amount`, wrapping modulo 2¹²⁸.
    static func addToCounter(_ counter: [UInt8], _ amount: UInt64) -> [UInt8] {
        var result = counter
        var carry = amount
        var index = result.count - 1
        while carry != 0, index >= 0 {
            let sum = UInt64(result[index]) + (carry & 0xFF)
            result[index] = UInt8(truncatingIfNeeded: sum)
            carry = (carry >> 8) + (sum >> 8)
            index -= 1
        }
        return result
    }
}
