// SPDX-License-Identifier: Apache-2.0

import TPMWire
import Testing

/// TPMI types (Part 2, 9, 11.1.1, 11.2.4.6, 11.2.5.5, 12.2.2): members round-trip, everything else is
/// rejected with the code libtpms 0.9 gives.
@Suite struct InterfaceTypeTests {
    static let vectors: [WireVector] = [
        WireVector("TPMI_ALG_SYM aes", "0006", try! TPMIAlgSym(.aes)),
        WireVector("TPMI_ALG_SYM xor", "000a", try! TPMIAlgSym(.xor)),
        WireVector("TPMI_ALG_SYM_OBJECT aes", "0006", try! TPMIAlgSymObject(.aes)),
        WireVector("TPMI_ALG_SYM_MODE cfb", "0043", TPMIAlgSymMode.cfb),
        WireVector("TPMI_ALG_SYM_MODE ecb", "0044", TPMIAlgSymMode.ecb),
        WireVector("TPMI_ALG_KDF kdf1_sp800_108", "0022", try! TPMIAlgKDF(.kdf1SP800_108)),
        WireVector("TPMI_ALG_SIG_SCHEME hmac", "0005", try! TPMIAlgSigScheme(.hmac)),
        WireVector("TPMI_ALG_SIG_SCHEME ecdsa", "0018", try! TPMIAlgSigScheme(.ecdsa)),
        WireVector("TPMI_ALG_RSA_SCHEME oaep", "0017", try! TPMIAlgRSAScheme(.oaep)),
        WireVector("TPMI_ALG_RSA_DECRYPT rsaes", "0015", try! TPMIAlgRSADecrypt(.rsaes)),
        WireVector("TPMI_ALG_ECC_SCHEME ecdh", "0019", try! TPMIAlgECCScheme(.ecdh)),
        WireVector("TPMI_ALG_KEYEDHASH_SCHEME xor", "000a", try! TPMIAlgKeyedHashScheme(.xor)),
        WireVector("TPMI_ALG_PUBLIC symcipher", "0025", try! TPMIAlgPublic(.symCipher)),
        WireVector("TPMI_AES_KEY_BITS 192", "00c0", TPMIAESKeyBits.aes192),
        WireVector("TPMI_RSA_KEY_BITS 3072", "0c00", TPMIRSAKeyBits.rsa3072),
        WireVector("TPMI_RSA_KEY_BITS 4096", "1000", TPMIRSAKeyBits.rsa4096),
        WireVector("TPMI_ECC_CURVE P-521", "0005", TPMIECCCurve.nistP521),
    ]

    @Test(arguments: vectors) func roundTrip(_ vector: WireVector) {
        vector.check()
    }

    static let failures: [WireFailure] = [
        WireFailure("TPMI_ALG_SYM null", "0010", .symmetric, as: TPMIAlgSym.self),
        WireFailure("TPMI_ALG_SYM sm4", "0013", .symmetric, as: TPMIAlgSym.self),
        WireFailure("TPMI_ALG_SYM_OBJECT xor", "000a", .symmetric, as: TPMIAlgSymObject.self),
        WireFailure("TPMI_ALG_SYM_OBJECT camellia", "0026", .symmetric, as: TPMIAlgSymObject.self),
        WireFailure("TPMI_ALG_SYM_MODE cmac", "003f", .mode, as: TPMIAlgSymMode.self),
        WireFailure("TPMI_ALG_SYM_MODE null", "0010", .mode, as: TPMIAlgSymMode.self),
        WireFailure("TPMI_ALG_KDF kdf2", "0021", .kdf, as: TPMIAlgKDF.self),
        WireFailure("TPMI_ALG_SIG_SCHEME ecdaa", "001a", .scheme, as: TPMIAlgSigScheme.self),
        WireFailure("TPMI_ALG_SIG_SCHEME rsaes", "0015", .scheme, as: TPMIAlgSigScheme.self),
        WireFailure("TPMI_ALG_RSA_SCHEME ecdsa", "0018", .value, as: TPMIAlgRSAScheme.self),
        WireFailure("TPMI_ALG_RSA_DECRYPT rsassa", "0014", .value, as: TPMIAlgRSADecrypt.self),
        WireFailure("TPMI_ALG_ECC_SCHEME rsassa", "0014", .scheme, as: TPMIAlgECCScheme.self),
        WireFailure("TPMI_ALG_ECC_SCHEME sm2", "001b", .scheme, as: TPMIAlgECCScheme.self),
        WireFailure("TPMI_ALG_KEYEDHASH_SCHEME rsassa", "0014", .value, as: TPMIAlgKeyedHashScheme.self),
        WireFailure("TPMI_ALG_PUBLIC null", "0010", .type, as: TPMIAlgPublic.self),
        WireFailure("TPMI_ALG_PUBLIC aes", "0006", .type, as: TPMIAlgPublic.self),
        WireFailure("TPMI_AES_KEY_BITS 100", "0064", .value, as: TPMIAESKeyBits.self),
        WireFailure("TPMI_RSA_KEY_BITS 1000", "03e8", .value, as: TPMIRSAKeyBits.self),
        WireFailure("TPMI_RSA_KEY_BITS 8192", "2000", .value, as: TPMIRSAKeyBits.self),
        WireFailure("TPMI_ECC_CURVE none", "0000", .curve, as: TPMIECCCurve.self),
        WireFailure("TPMI_ECC_CURVE P-192", "0001", .curve, as: TPMIECCCurve.self),
        WireFailure("TPMI_ECC_CURVE BN P-256", "0010", .curve, as: TPMIECCCurve.self),
        WireFailure("TPMI_ECC_CURVE truncated", "00", .insufficient, as: TPMIECCCurve.self),
        WireFailure("TPMI_ALG_PUBLIC truncated", "", .insufficient, as: TPMIAlgPublic.self),
    ]

    @Test(arguments: failures) func rejects(_ failure: WireFailure) {
        failure.check()
    }

    @Test func nullableFormsTreatNullAsNil() throws {
        var reader = TPMReader([0x00, 0x10, 0x00, 0x43])
        #expect(try Optional<TPMIAlgSymMode>.unmarshalNullable(from: &reader) == nil)
        #expect(try Optional<TPMIAlgSymMode>.unmarshalNullable(from: &reader) == .cfb)
        #expect(reader.isAtEnd)
        let none: TPMIAlgKDF? = nil
        var writer = TPMWriter()
        none.marshal(into: &writer)
        #expect(writer.bytes == [0x00, 0x10])
    }

    @Test func constructionChecksLikeUnmarshalling() {
        #expect(throws: TPMRC.symmetric) { try TPMIAlgSymObject(.xor) }
        #expect(throws: TPMRC.value) { try TPMIRSAKeyBits(2047) }
        #expect(throws: TPMRC.curve) { try TPMIECCCurve(.sm2P256) }
        #expect(throws: TPMRC.value) { try TPMIAESKeyBits(512) }
    }

    /// The implemented set is exactly the one GetCapability advertises (Part 2 algorithm IDs).
    @Test func implementedSetIsComplete() {
        let expected: Set<TPMAlgID> = [
            .rsa, .sha1, .hmac, .aes, .mgf1, .keyedHash, .xor, .sha256, .sha384, .sha512, .rsassa, .rsaes, .rsapss,
            .oaep, .ecdsa, .ecdh, .kdf1SP800_56A, .kdf1SP800_108, .ecc, .symCipher, .ctr, .ofb, .cbc, .cfb, .ecb,
        ]
        #expect(TPMImplementation.algorithms == expected)
        #expect(TPMImplementation.eccCurves == [.nistP256, .nistP384, .nistP521])
        #expect(TPMIECCCurve.nistP384.byteCount == 48)
        #expect(TPMIRSAKeyBits.rsa2048.byteCount == 256)
    }
}
