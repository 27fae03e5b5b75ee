// SPDX-License-Identifier: Apache-2.0

import TPMWire
import Testing

@testable import TPMCrypto

/// NIST SP 800-38A, Appendix F: the four-block plaintext shared by every example, and the keys, IVs and
/// ciphertexts of F.1 (ECB), F.2 (CBC), F.3.13/F.3.17 (CFB128), F.4 (OFB) and F.5 (CTR) for AES-128 and AES-256.
@Suite struct SymmetricCipherTests {
    static let plaintext = [UInt8](
        hex: """
            6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51
            30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710
            """)
    static let key128 = [UInt8](hex: "2b7e151628aed2a6abf7158809cf4f3c")
    static let key256 = [UInt8](hex: "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4")
    static let iv = [UInt8](hex: "000102030405060708090a0b0c0d0e0f")
    static let counter = [UInt8](hex: "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")

    static let vectors: [(String, [UInt8], SymmetricMode, [UInt8], String)] = [
        (
            "F.1.1 ECB-AES128", key128, .ecb, [],
            "3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf43b1cd7f598ece23881b00e3ed0306887b0c785e27e8ad3f8223207104725dd4"
        ),
        (
            "F.1.5 ECB-AES256", key256, .ecb, [],
            "f3eed1bdb5d2a03c064b5a7e3db181f8591ccb10d410ed26dc5ba74a31362870b6ed21b99ca6f4f9f153e7b1beafed1d23304b7a39f9f3ff067d8d8f9e24ecc7"
        ),
        (
            "F.2.1 CBC-AES128", key128, .cbc, iv,
            "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b273bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7"
        ),
        (
            "F.2.5 CBC-AES256", key256, .cbc, iv,
            "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b"
        ),
        (
            "F.3.13 CFB128-AES128", key128, .cfb, iv,
            "3b3fd92eb72dad20333449f8e83cfb4ac8a64537a0b3a93fcde3cdad9f1ce58b26751f67a3cbb140b1808cf187a4f4dfc04b05357c5d1c0eeac4c66f9ff7f2e6"
        ),
        (
            "F.3.17 CFB128-AES256", key256, .cfb, iv,
            "dc7e84bfda79164b7ecd8486985d386039ffed143b28b1c832113c6331e5407bdf10132415e54b92a13ed0a8267ae2f975a385741ab9cef82031623d55b1e471"
        ),
        (
            "F.4.1 OFB-AES128", key128, .ofb, iv,
            "3b3fd92eb72dad20333449f8e83cfb4a7789508d16918f03f53c52dac54ed8259740051e9c5fecf64344f7a82260edcc304c6528f659c77866a510d9c1d6ae5e"
        ),
        (
            "F.4.5 OFB-AES256", key256, .ofb, iv,
            "dc7e84bfda79164b7ecd8486985d38604febdc6740d20b3ac88f6ad82a4fb08d71ab47a086e86eedf39d1c5bba97c4080126141d67f37be8538f5a8be740e484"
        ),
        (
            "F.5.1 CTR-AES128", key128, .ctr, counter,
            "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee"
        ),
        (
            "F.5.5 CTR-AES256", key256, .ctr, counter,
            "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c52b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6"
        ),
    ]

    @Test(arguments: vectors)
    func sp80038a(_ name: String, _ key: [UInt8], _ mode: SymmetricMode, _ iv: [UInt8], _ expected: String) throws {
        let encrypted = try SymmetricCipher.encrypt(Self.plaintext, key: key, iv: iv, mode: mode)
        #expect(encrypted.output.hex == expected, "\(name)")
        let decrypted = try SymmetricCipher.decrypt(encrypted.output, key: key, iv: iv, mode: mode)
        #expect(decrypted.output == Self.plaintext, "\(name)")
        #expect(encrypted.ivOut == decrypted.ivOut, "\(name)")
    }

    /// Encrypting in two calls, the second starting from the first's ivOut, gives the one-call ciphertext.
    @Test(arguments: [SymmetricMode.cfb, .cbc, .ctr, .ofb, .ecb])
    func ivOutContinuesTheStream(_ mode: SymmetricMode) throws {
        let iv = mode == .ctr ? Self.counter : Self.iv
        let whole = try SymmetricCipher.encrypt(Self.plaintext, key: Self.key128, iv: iv, mode: mode)
        let first = try SymmetricCipher.encrypt(Array(Self.plaintext[0..<32]), key: Self.key128, iv: iv, mode: mode)
        let second = try SymmetricCipher.encrypt(
            Array(Self.plaintext[32...]), key: Self.key128, iv: first.ivOut, mode: mode)
        #expect(first.output + second.output == whole.output)
        #expect(second.ivOut == whole.ivOut)
    }

    @Test func ivOutValues() throws {
        let cbc = try SymmetricCipher.encrypt(Self.plaintext, key: Self.key128, iv: Self.iv, mode: .cbc)
        #expect(cbc.ivOut.hex == "3ff1caa1681fac09120eca307586e1a7")
        // F.4.1's fourth "Output Block" (the last keystream block).
        let ofb = try SymmetricCipher.encrypt(Self.plaintext, key: Self.key128, iv: Self.iv, mode: .ofb)
        #expect(ofb.ivOut.hex == "c6d3416d29165c6fcb8e51a227ba994e")
        let ctr = try SymmetricCipher.encrypt(
            Array(Self.plaintext[0..<33]), key: Self.key128, iv: Self.counter, mode: .ctr)
        #expect(ctr.ivOut.hex == "f0f1f2f3f4f5f6f7f8f9fafbfcfdff02")
        let ecb = try SymmetricCipher.encrypt(Self.plaintext, key: Self.key128, iv: Self.iv, mode: .ecb)
        #expect(ecb.ivOut == Self.iv)
    }

    /// A partial final CFB block leaves its ciphertext bytes followed by zeros in ivOut (CryptSym.c).
    @Test func cfbPartialBlock() throws {
        let data = Array(Self.plaintext[0..<20])
        let result = try SymmetricCipher.encrypt(data, key: Self.key128, iv: Self.iv, mode: .cfb)
        #expect(result.output.hex == "3b3fd92eb72dad20333449f8e83cfb4ac8a64537")
        #expect(result.ivOut.hex == "c8a64537000000000000000000000000")
        let back = try SymmetricCipher.decrypt(result.output, key: Self.key128, iv: Self.iv, mode: .cfb)
        #expect(back.output == data)
        #expect(back.ivOut == result.ivOut)
    }

    @Test func emptyDataKeepsTheIV() throws {
        let result = try SymmetricCipher.encrypt([], key: Self.key128, iv: Self.iv, mode: .ctr)
        #expect(result.output.isEmpty && result.ivOut == Self.iv)
    }

    @Test func counterWrapsAt128Bits() {
        #expect(
            SymmetricCipher.addToCounter([UInt8](repeating: 0xFF, count: 16), 2).hex
                == "00000000000000000000000000000001")
    }

    @Test func errors() {
        #expect(throws: TPMRC.keySize) {
            try SymmetricCipher.encrypt(Self.plaintext, key: Array(Self.key128[0..<15]), iv: Self.iv, mode: .cfb)
        }
        #expect(throws: TPMRC.size) {
            try SymmetricCipher.encrypt(Self.plaintext, key: Self.key128, iv: [], mode: .cbc)
        }
        #expect(throws: TPMRC.size) {
            try SymmetricCipher.decrypt(Array(Self.plaintext[0..<17]), key: Self.key128, iv: Self.iv, mode: .cbc)
        }
        #expect(throws: TPMRC.size) {
            try SymmetricCipher.encrypt(Array(Self.plaintext[0..<15]), key: Self.key128, iv: [], mode: .ecb)
        }
    }
}

/// KDFe known answers from an independent oracle: Python `cryptography` 48's ConcatKDFHash (SP 800-56A
/// one-step KDF), with otherinfo = label || 0x00 || partyUInfo || partyVInfo.
@Suite struct KDFeTests {
    @Test func secretLabel() {
        let output = KDF.kdfe(
            .sha256, z: Array(0..<32), label: "SECRET", partyU: [UInt8](repeating: 0xAA, count: 32),
            partyV: [UInt8](repeating: 0xBB, count: 32), bits: 256)
        #expect(output.hex == "08fc920f9d3033e952b0e3490a04acb53ef7324548e744107218611d224bb249")
    }

    /// A label that already ends in a zero is used as it is; 520 bits needs three SHA-256 blocks.
    @Test func labelWithZeroAndSeveralBlocks() {
        let output = KDF.kdfe(.sha256, z: Array(0..<32), label: "IDENTITY\0", partyU: [1, 2], partyV: [], bits: 520)
        #expect(
            output.hex == """
                4077f22f9c1caf293f038dd03f1e1b1cf351d375d454c0119a3c4f7ff8a4a44de46f972b94d3de95862ba1c3f5fa0b6b\
                ee8f3dc4045a3e712be65a86f0415f0b28
                """)
    }

    /// Same construction computed with Python hashlib, then the unused high bits of the first octet cleared.
    @Test func bitsNotMultipleOfEight() {
        #expect(
            KDF.kdfe(.sha384, z: Array(0..<48), label: "DUPLICATE", partyU: [], partyV: [5], bits: 12).hex == "09a2")
    }
}
