// SPDX-License-Identifier: Apache-2.0

import TPMWire
import Testing

/// Public areas (Part 2, 11.2.5 and 12.2): parameters, TPMT_PUBLIC, TPM2B_PUBLIC and ECC points.
///
/// Rows marked "libtss2-mu" are the bytes tpm2-tss 3.2.1 (Tss2_MU_*_Marshal, an independent implementation)
/// produced for the same values; buffers there were filled with bytes counting up from the given start.
@Suite struct PublicTests {
    static let storageAttributes: TPMAObject = [
        .fixedTPM, .fixedParent, .sensitiveDataOrigin, .userWithAuth, .noDA, .restricted, .decrypt,
    ]

    /// tpm2-tools' default primary: RSA-2048 restricted decryption key with AES-128-CFB for its children.
    static let rsaStorage = TPMTPublic(
        nameAlg: .sha256, objectAttributes: storageAttributes,
        details: .rsa(
            TPMSRSAParms(symmetric: .aes(keyBits: .aes128, mode: .cfb), scheme: nil, keyBits: .rsa2048),
            unique: .empty))

    static let eccSigning = TPMTPublic(
        nameAlg: .sha256,
        objectAttributes: [.fixedTPM, .fixedParent, .sensitiveDataOrigin, .userWithAuth, .signEncrypt],
        authPolicy: digest(counting(32, from: 0xA0)),
        details: .ecc(
            TPMSECCParms(
                symmetric: nil, scheme: .ecdsa(TPMSSchemeHash(hashAlg: .sha256)),
                curveID: .nistP256, kdf: nil),
            unique: TPMSECCPoint(
                x: eccParameter(counting(32, from: 0x00)),
                y: eccParameter(counting(32, from: 0x40)))))

    static let hmacKey = TPMTPublic(
        nameAlg: .sha1, objectAttributes: [.fixedTPM, .userWithAuth, .signEncrypt],
        details: .keyedHash(
            TPMSKeyedHashParms(scheme: .hmac(TPMSSchemeHash(hashAlg: .sha384))),
            unique: digest(counting(4, from: 0x11))))

    static let aesKey = TPMTPublic(
        nameAlg: .sha512, objectAttributes: [.userWithAuth, .decrypt, .signEncrypt],
        details: .symCipher(TPMSSymCipherParms(sym: .aes(keyBits: .aes256, mode: .cfb)), unique: .empty))

    static let eccP256SigningHex =
        "0023 000b 00040072 0020" + countingHex(32, from: 0xA0)
        + "0010 0018 000b 0003 0010" + "0020" + countingHex(32, from: 0x00) + "0020" + countingHex(32, from: 0x40)

    static let vectors: [WireVector] = [
        // libtss2-mu 3.2.1
        WireVector(
            "TPM2B_PUBLIC rsa-2048 storage template",
            "001a 0001 000b 00030472 0000 0006 0080 0043 0010 0800 00000000 0000", TPM2BPublic(rsaStorage)),
        // libtss2-mu 3.2.1
        WireVector("TPMT_PUBLIC ecc p-256 signing key", eccP256SigningHex, eccSigning),
        // libtss2-mu 3.2.1
        WireVector("TPMT_PUBLIC keyedhash hmac", "0008 0004 00040042 0000 0005 000c 0004 11121314", hmacKey),
        // libtss2-mu 3.2.1
        WireVector("TPMT_PUBLIC symcipher aes-256-cfb", "0025 000d 00060040 0000 0006 0100 0043 0000", aesKey),
        WireVector(
            "TPMT_PUBLIC null nameAlg (LoadExternal)", "0025 0010 00000000 0000 0006 0080 0010 0000",
            TPMTPublic(
                nameAlg: nil, objectAttributes: [],
                details: .symCipher(
                    TPMSSymCipherParms(sym: .aes(keyBits: .aes128, mode: nil)),
                    unique: .empty)),
            decode: { bytes throws(TPMRC) in
                var reader = TPMReader(bytes)
                let value = try TPMTPublic(unmarshalling: &reader, allowNullNameAlg: true)
                guard reader.isAtEnd else { throw .size }
                return value
            }),
        // libtss2-mu 3.2.1
        WireVector(
            "TPMT_PUBLIC_PARMS rsa-3072 oaep", "0001 0010 0017 0004 0c00 00010001",
            TPMTPublicParms.rsa(
                TPMSRSAParms(
                    symmetric: nil, scheme: .oaep(TPMSSchemeHash(hashAlg: .sha1)),
                    keyBits: .rsa3072, exponent: 65537))),
        // libtss2-mu 3.2.1
        WireVector(
            "TPMT_PUBLIC_PARMS ecc p-384 ecdh kdf1-56a", "0023 0006 00c0 0040 0019 000c 0004 0020 000c",
            TPMTPublicParms.ecc(
                TPMSECCParms(
                    symmetric: .aes(keyBits: .aes192, mode: .ctr),
                    scheme: .ecdh(TPMSSchemeHash(hashAlg: .sha384)),
                    curveID: .nistP384,
                    kdf: .kdf1SP800_56A(TPMSSchemeHash(hashAlg: .sha384))))),
        // libtss2-mu 3.2.1
        WireVector(
            "TPMT_PUBLIC_PARMS keyedhash xor", "0008 000a 000b 0022",
            TPMTPublicParms.keyedHash(
                TPMSKeyedHashParms(
                    scheme: .xor(TPMSSchemeXOR(hashAlg: .sha256, kdf: try! TPMIAlgKDF(.kdf1SP800_108)))))),
        WireVector(
            "TPMT_PUBLIC_PARMS sealed data (null scheme)", "0008 0010",
            TPMTPublicParms.keyedHash(TPMSKeyedHashParms(scheme: nil))),
        WireVector(
            "TPMT_PUBLIC_PARMS symcipher aes-128-cfb", "0025 0006 0080 0043",
            TPMTPublicParms.symCipher(TPMSSymCipherParms(sym: .aes(keyBits: .aes128, mode: .cfb)))),
        WireVector(
            "TPMS_RSA_PARMS rsa-4096 rsapss", "0010 0016 000b 1000 00000003",
            TPMSRSAParms(
                symmetric: nil, scheme: .rsapss(TPMSSchemeHash(hashAlg: .sha256)), keyBits: .rsa4096,
                exponent: 3)),
        WireVector(
            "TPMS_ECC_PARMS p-521 all null", "0010 0010 0005 0010",
            TPMSECCParms(symmetric: nil, scheme: nil, curveID: .nistP521, kdf: nil)),
        // libtss2-mu 3.2.1
        WireVector(
            "TPM2B_ECC_POINT", "0007 0002 0102 0001 03",
            TPM2BECCPoint(TPMSECCPoint(x: eccParameter([1, 2]), y: eccParameter([3])))),
        WireVector("TPMS_ECC_POINT empty", "0000 0000", TPMSECCPoint.empty),
        WireVector("TPM2B_PUBLIC_KEY_RSA", "0003 010001", try! TPM2BPublicKeyRSA([1, 0, 1])),
        WireVector("TPM2B_PRIVATE_KEY_RSA", "0002 abcd", try! TPM2BPrivateKeyRSA([0xAB, 0xCD])),
        WireVector("TPM2B_SYM_KEY", "0001 ff", try! TPM2BSymKey([0xFF])),
    ]

    @Test(arguments: vectors) func roundTrip(_ vector: WireVector) {
        vector.check()
    }

    static let rsaStorageBody = "0001 000b 00030472 0000 0006 0080 0043 0010 0800 00000000 0000"

    static let failures: [WireFailure] = [
        WireFailure("TPM2B_PUBLIC size 0", "0000", .size, as: TPM2BPublic.self),
        WireFailure("TPM2B_PUBLIC size one short", "0019" + rsaStorageBody, .size, as: TPM2BPublic.self),
        WireFailure("TPM2B_PUBLIC size one long", "001b" + rsaStorageBody + "00", .size, as: TPM2BPublic.self),
        WireFailure("TPM2B_PUBLIC size beyond the stream", "001b" + rsaStorageBody, .size, as: TPM2BPublic.self),
        WireFailure("TPM2B_PUBLIC truncated", "001a 0001 000b 0003", .insufficient, as: TPM2BPublic.self),
        WireFailure("TPM2B_PUBLIC missing size", "00", .insufficient, as: TPM2BPublic.self),
        WireFailure(
            "TPM2B_PUBLIC null nameAlg", "001a 0001 0010 00030472 0000 0006 0080 0043 0010 0800 00000000 0000",
            .hash, as: TPM2BPublic.self),
        WireFailure(
            "TPMT_PUBLIC null nameAlg", "0025 0010 00000000 0000 0006 0080 0010 0000", .hash,
            as: TPMTPublic.self),
        WireFailure("TPMT_PUBLIC type aes", "0006 000b 00000000 0000", .type, as: TPMTPublic.self),
        WireFailure(
            "TPMT_PUBLIC reserved attribute bit 0", "0025 000b 00000001 0000 0006 0080 0043 0000",
            .reservedBits, as: TPMTPublic.self),
        WireFailure(
            "TPMT_PUBLIC reserved attribute bit 31", "0025 000b 80000000 0000 0006 0080 0043 0000",
            .reservedBits, as: TPMTPublic.self),
        WireFailure(
            "TPMT_PUBLIC authPolicy 65 bytes", "0025 000b 00000000 0041" + countingHex(65, from: 0),
            .size, as: TPMTPublic.self),
        WireFailure(
            "TPMT_PUBLIC rsa 1000 bits", "0001 000b 00000000 0000 0010 0010 03e8 00000000 0000", .value,
            as: TPMTPublic.self),
        WireFailure(
            "TPMT_PUBLIC rsa unique 513 bytes",
            "0001 000b 00000000 0000 0010 0010 0800 00000000 0201" + countingHex(513, from: 0), .size,
            as: TPMTPublic.self),
        WireFailure(
            "TPMT_PUBLIC ecc x 67 bytes",
            "0023 000b 00000000 0000 0010 0010 0003 0010 0043" + countingHex(67, from: 0) + "0000", .size,
            as: TPMTPublic.self),
        WireFailure(
            "TPMT_PUBLIC ecc unique truncated", "0023 000b 00000000 0000 0010 0010 0003 0010 0000",
            .insufficient, as: TPMTPublic.self),
        WireFailure(
            "TPMT_PUBLIC keyedhash unique 65 bytes",
            "0008 000b 00000000 0000 0010 0041" + countingHex(65, from: 0), .size, as: TPMTPublic.self),
        WireFailure("parms: bad type", "0099", .type, as: TPMTPublicParms.self),
        WireFailure(
            "parms: rsa bad symmetric first", "0001 0099 0010 03e8 00000000", .symmetric,
            as: TPMTPublicParms.self),
        WireFailure(
            "parms: rsa xor symmetric", "0001 000a 000b 0010 0800 00000000", .symmetric,
            as: TPMTPublicParms.self),
        WireFailure("parms: rsa ecdsa scheme", "0001 0010 0018 000b 0800 00000000", .value, as: TPMTPublicParms.self),
        WireFailure("parms: rsa 1000 bits", "0001 0010 0010 03e8 00000000", .value, as: TPMTPublicParms.self),
        WireFailure(
            "parms: rsa exponent truncated", "0001 0010 0010 0800 0000", .insufficient,
            as: TPMTPublicParms.self),
        WireFailure("parms: ecc unknown curve", "0023 0010 0010 0099 0010", .curve, as: TPMTPublicParms.self),
        WireFailure("parms: ecc rsassa scheme", "0023 0010 0014 000b 0003 0010", .scheme, as: TPMTPublicParms.self),
        WireFailure("parms: ecc bad kdf", "0023 0010 0010 0003 0099", .kdf, as: TPMTPublicParms.self),
        WireFailure("parms: symcipher null", "0025 0010", .symmetric, as: TPMTPublicParms.self),
        WireFailure("parms: symcipher cmac", "0025 0006 0080 003f", .mode, as: TPMTPublicParms.self),
        WireFailure("parms: keyedhash rsassa", "0008 0014 000b", .value, as: TPMTPublicParms.self),
        WireFailure("parms: trailing byte", "0025 0006 0080 0043 00", .size, as: TPMTPublicParms.self),
        WireFailure("TPM2B_ECC_POINT size 0", "0000", .size, as: TPM2BECCPoint.self),
        WireFailure("TPM2B_ECC_POINT size short", "0006 0002 0102 0001 03", .size, as: TPM2BECCPoint.self),
        WireFailure("TPM2B_ECC_POINT size long", "0008 0002 0102 0001 03 00", .size, as: TPM2BECCPoint.self),
        WireFailure("TPM2B_ECC_POINT truncated", "0007 0002 0102 00", .insufficient, as: TPM2BECCPoint.self),
        WireFailure("TPM2B_PUBLIC_KEY_RSA 513", "0201" + countingHex(513, from: 0), .size, as: TPM2BPublicKeyRSA.self),
        WireFailure(
            "TPM2B_PRIVATE_KEY_RSA 257", "0101" + countingHex(257, from: 0), .size,
            as: TPM2BPrivateKeyRSA.self),
        WireFailure("TPM2B_ECC_PARAMETER 67", "0043" + countingHex(67, from: 0), .size, as: TPM2BECCParameter.self),
        WireFailure("TPM2B_SYM_KEY 33", "0021" + countingHex(33, from: 0), .size, as: TPM2BSymKey.self),
        WireFailure("TPM2B_SYM_KEY truncated", "0002 00", .insufficient, as: TPM2BSymKey.self),
    ]

    @Test(arguments: failures) func rejects(_ failure: WireFailure) {
        failure.check()
    }

    @Test func detailsExposeTypeAndParameters() {
        #expect(Self.rsaStorage.type == .rsa)
        #expect(Self.eccSigning.parameters.type == .ecc)
        #expect(Self.aesKey.details.type == .symCipher)
        if case .keyedHash(let parms) = Self.hmacKey.parameters {
            #expect(parms.scheme?.scheme == .hmac)
        } else {
            Issue.record("keyed-hash parameters expected")
        }
    }

    @Test func bufferLimitsFollowTheImplementation() {
        #expect(TPM2BPublicKeyRSA.maxSize == 512)
        #expect(TPM2BPrivateKeyRSA.maxSize == 256)
        #expect(TPM2BECCParameter.maxSize == 66)
        #expect(TPM2BSymKey.maxSize == 32)
        #expect(throws: TPMRC.size) { try TPM2BPublicKeyRSA([UInt8](repeating: 0, count: 513)) }
    }
}
