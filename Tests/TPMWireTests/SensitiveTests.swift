// SPDX-License-Identifier: Apache-2.0

import TPMWire
import Testing

/// Sensitive and private areas (Part 2, 11.1.15-11.1.16, 11.4.3, 12.3, 12.4). Rows marked "libtss2-mu" are
/// the bytes tpm2-tss 3.2.1 produced for the same values.
@Suite struct SensitiveTests {
    static let eccSensitive = TPMTSensitive(
        authValue: try! TPM2BAuth([0x61, 0x62]), seedValue: digest(counting(32, from: 0x30)),
        sensitive: .ecc(eccParameter(counting(32, from: 0x90))))

    static let vectors: [WireVector] = [
        // libtss2-mu 3.2.1
        WireVector(
            "TPM2B_SENSITIVE_CREATE", "0009 0003 616263 0002 dead",
            TPM2BSensitiveCreate(
                TPMSSensitiveCreate(
                    userAuth: try! TPM2BAuth(Array("abc".utf8)),
                    data: try! TPM2BSensitiveData([0xDE, 0xAD])))),
        WireVector(
            "TPM2B_SENSITIVE_CREATE empty buffers", "0004 0000 0000",
            TPM2BSensitiveCreate(TPMSSensitiveCreate())),
        WireVector(
            "TPMS_SENSITIVE_CREATE", "0001 ff 0000",
            TPMSSensitiveCreate(userAuth: try! TPM2BAuth([0xFF]))),
        // libtss2-mu 3.2.1
        WireVector(
            "TPM2B_SENSITIVE ecc",
            "004a 0023 0002 6162 0020" + countingHex(32, from: 0x30) + "0020" + countingHex(32, from: 0x90),
            TPM2BSensitive(eccSensitive)),
        WireVector("TPM2B_SENSITIVE empty (public-only LoadExternal)", "0000", TPM2BSensitive.empty),
        WireVector(
            "TPMT_SENSITIVE rsa", "0001 0000 0000 0002 c0de",
            TPMTSensitive(
                authValue: .empty, seedValue: .empty,
                sensitive: .rsa(try! TPM2BPrivateKeyRSA([0xC0, 0xDE])))),
        WireVector(
            "TPMT_SENSITIVE keyedhash", "0008 0000 0001 07 0003 736563",
            TPMTSensitive(
                authValue: .empty, seedValue: digest([7]),
                sensitive: .keyedHash(try! TPM2BSensitiveData(Array("sec".utf8))))),
        WireVector(
            "TPMT_SENSITIVE symcipher", "0025 0000 0000 0010" + countingHex(16, from: 0),
            TPMTSensitive(
                authValue: .empty, seedValue: .empty,
                sensitive: .symCipher(try! TPM2BSymKey(counting(16, from: 0))))),
        WireVector("TPM2B_PRIVATE", "0003 010203", try! TPM2BPrivate([1, 2, 3])),
        WireVector("TPM2B_ID_OBJECT", "0002 0a0b", try! TPM2BIDObject([10, 11])),
        WireVector("TPM2B_ENCRYPTED_SECRET", "0001 99", try! TPM2BEncryptedSecret([0x99])),
    ]

    @Test(arguments: vectors) func roundTrip(_ vector: WireVector) {
        vector.check()
    }

    static let failures: [WireFailure] = [
        WireFailure("sensitive create: size 0", "0000", .size, as: TPM2BSensitiveCreate.self),
        WireFailure("sensitive create: size short", "0008 0003 616263 0002 dead", .size, as: TPM2BSensitiveCreate.self),
        WireFailure(
            "sensitive create: size long", "000a 0003 616263 0002 dead 00", .size,
            as: TPM2BSensitiveCreate.self),
        WireFailure(
            "sensitive create: userAuth 65", "0045 0041" + countingHex(65, from: 0) + "0000", .size,
            as: TPM2BSensitiveCreate.self),
        WireFailure(
            "sensitive create: data 129", "0085 0000 0081" + countingHex(129, from: 0), .size,
            as: TPM2BSensitiveCreate.self),
        WireFailure("sensitive create: truncated", "0009 0003 6162", .insufficient, as: TPM2BSensitiveCreate.self),
        WireFailure("TPMT_SENSITIVE type null", "0010 0000 0000 0000", .type, as: TPMTSensitive.self),
        WireFailure(
            "TPMT_SENSITIVE rsa prime 257", "0001 0000 0000 0101" + countingHex(257, from: 0), .size,
            as: TPMTSensitive.self),
        WireFailure(
            "TPMT_SENSITIVE sym key 33", "0025 0000 0000 0021" + countingHex(33, from: 0), .size,
            as: TPMTSensitive.self),
        WireFailure("TPMT_SENSITIVE truncated", "0023 0000 0000", .insufficient, as: TPMTSensitive.self),
        WireFailure("TPM2B_SENSITIVE size short", "0007 0025 0000 0000 0001 ff", .size, as: TPM2BSensitive.self),
        WireFailure("TPM2B_SENSITIVE bad type", "0008 0006 0000 0000 0000", .type, as: TPM2BSensitive.self),
        WireFailure("TPM2B_PRIVATE 527", "020f" + countingHex(527, from: 0), .size, as: TPM2BPrivate.self),
        WireFailure("TPM2B_ID_OBJECT 133", "0085" + countingHex(133, from: 0), .size, as: TPM2BIDObject.self),
        WireFailure(
            "TPM2B_ENCRYPTED_SECRET 513", "0201" + countingHex(513, from: 0), .size,
            as: TPM2BEncryptedSecret.self),
    ]

    @Test(arguments: failures) func rejects(_ failure: WireFailure) {
        failure.check()
    }

    @Test func limits() throws {
        #expect(TPMTSensitive.maxMarshalledSize == 392)
        #expect(TPM2BPrivate.maxSize == 526)
        #expect(TPM2BIDObject.maxSize == 132)
        #expect(TPM2BEncryptedSecret.maxSize == 512)
        // The largest sensitive area fits in a TPM2B_PRIVATE next to two integrity digests.
        let largest = TPMTSensitive(
            authValue: try TPM2BAuth(counting(64, from: 0)),
            seedValue: digest(counting(64, from: 0)),
            sensitive: .rsa(try TPM2BPrivateKeyRSA(counting(256, from: 0))))
        #expect(largest.marshalled().count == TPMTSensitive.maxMarshalledSize)
        #expect(largest.sensitiveType == .rsa)
    }
}
