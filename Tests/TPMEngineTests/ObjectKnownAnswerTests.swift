// SPDX-License-Identifier: Apache-2.0

import TPMWire
import Testing

@testable import TPMEngine

/// Names and private-area protection against values computed independently: Python's hashlib, hmac and
/// `cryptography` 48 (AES-CFB128), from the byte layouts of Part 2 and the formulas of Part 1, 16 and 23.
@Suite struct ObjectKnownAnswerTests {
    /// A sealed-data public area: keyedHash, SHA-256, fixedTPM|fixedParent|userWithAuth, no policy, NULL
    /// scheme, unique = 32 × 0x11.
    static let publicArea = TPMTPublic(
        nameAlg: .sha256, objectAttributes: [.fixedTPM, .fixedParent, .userWithAuth],
        details: .keyedHash(
            TPMSKeyedHashParms(scheme: nil), unique: try! TPM2BDigest([UInt8](repeating: 0x11, count: 32))))

    @Test func nameAndQualifiedName() throws {
        #expect(
            Self.publicArea.marshalled().hex
                == "0008000b000000520000001000201111111111111111111111111111111111111111111111111111111111111111")
        #expect(
            KeyObject.name(of: Self.publicArea).hex
                == "000bb1e3f4a3716d827b40a3822c33c8a766b90ed0ebb634bdfa376f0690eb7b295a")
        let qualified = KeyObject.qualifiedName(
            parent: TPMHandle.owner.marshalled(), name: KeyObject.name(of: Self.publicArea), hash: .sha256)
        #expect(qualified.hex == "000bab2ffa2597974b5a1d58ea2891662d2f6a3ef4d56bff292c8747d266f216a623")
    }

    /// TPM2B_PRIVATE under a parent with seed 01 02 … 20 (32 bytes), SHA-256 and AES-128-CFB, for a child named
    /// 000b || SHA-256("example public area") whose sensitive area is keyedHash, authValue "pw", seedValue
    /// 32 × 0xAA, data "secret".
    @Test func privateAreaProtection() throws {
        let wrap = OuterWrap(
            nameAlg: .sha256, seed: Array(1...32),
            symmetric: .aes(keyBits: try TPMIAESKeyBits(128), mode: try TPMIAlgSymMode(.cfb)))
        let name = [UInt8](hex: "000b5270eccf2a4643a92a71abdcddcc6aa6ce16c87e7d47187a93dce89c60872254")
        let sensitive = TPMTSensitive(
            authValue: try TPM2BAuth(Array("pw".utf8)), seedValue: try TPM2BDigest([UInt8](repeating: 0xAA, count: 32)),
            sensitive: .keyedHash(try TPM2BSensitiveData(Array("secret".utf8))))
        let expected = """
            00201d05d6c475e8c4d5620506f83ce1cdc6f2f60a69c04b5a88d863bf2cf752a85e2de01c40de34b7e237c58869168797636b68\
            fd16ab1f02a7b5878e2dae7ffc9186ea2d1459c17ece39fe2ef34d51f4e0c6a4
            """
        let blob = try wrap.protect(sensitive, name: name)
        #expect(blob.buffer.hex == expected)
        #expect(try wrap.unprotect(blob, name: name) == sensitive)
        var other = name
        other[5] ^= 1
        #expect(throws: TPMRC.integrity) { try wrap.unprotect(blob, name: other) }
    }
}
