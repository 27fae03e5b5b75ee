// SPDX-License-Identifier: Apache-2.0

import TPMWire
import Testing

/// Scheme structures (Part 2, 11.1.17-11.1.23 and 11.2). Rows marked "libtss2-mu" were cut out of structures
/// that tpm2-tss 3.2.1's Tss2_MU_TPMT_PUBLIC_PARMS_Marshal produced.
@Suite struct SchemeTests {
    static let vectors: [WireVector] = [
        WireVector("TPMS_SCHEME_HASH sha256", "000b", TPMSSchemeHash(hashAlg: .sha256)),
        // libtss2-mu 3.2.1
        WireVector(
            "TPMS_SCHEME_XOR sha256 kdf1-108", "000b 0022",
            TPMSSchemeXOR(hashAlg: .sha256, kdf: try! TPMIAlgKDF(.kdf1SP800_108))),
        WireVector("TPMS_SCHEME_XOR null kdf", "0004 0010", TPMSSchemeXOR(hashAlg: .sha1, kdf: nil)),
        WireVector(
            "TPMT_KEYEDHASH_SCHEME hmac sha384", "0005 000c",
            TPMTKeyedHashScheme.hmac(TPMSSchemeHMAC(hashAlg: .sha384))),
        // libtss2-mu 3.2.1
        WireVector(
            "TPMT_KEYEDHASH_SCHEME xor", "000a 000b 0022",
            TPMTKeyedHashScheme.xor(TPMSSchemeXOR(hashAlg: .sha256, kdf: try! TPMIAlgKDF(.kdf1SP800_108)))),
        WireVector("TPMT_KEYEDHASH_SCHEME+ null", "0010", nullable: TPMTKeyedHashScheme?.none),
        WireVector(
            "TPMT_SIG_SCHEME rsassa sha256", "0014 000b",
            TPMTSigScheme.rsassa(TPMSSchemeHash(hashAlg: .sha256))),
        WireVector(
            "TPMT_SIG_SCHEME rsapss sha512", "0016 000d",
            TPMTSigScheme.rsapss(TPMSSchemeHash(hashAlg: .sha512))),
        WireVector("TPMT_SIG_SCHEME ecdsa sha384", "0018 000c", TPMTSigScheme.ecdsa(TPMSSchemeHash(hashAlg: .sha384))),
        WireVector("TPMT_SIG_SCHEME hmac sha1", "0005 0004", TPMTSigScheme.hmac(TPMSSchemeHash(hashAlg: .sha1))),
        WireVector("TPMT_SIG_SCHEME+ null", "0010", nullable: TPMTSigScheme?.none),
        WireVector("TPMT_KDF_SCHEME mgf1 sha1", "0007 0004", TPMTKDFScheme.mgf1(TPMSSchemeHash(hashAlg: .sha1))),
        // libtss2-mu 3.2.1
        WireVector(
            "TPMT_KDF_SCHEME kdf1-56a sha384", "0020 000c",
            TPMTKDFScheme.kdf1SP800_56A(TPMSSchemeHash(hashAlg: .sha384))),
        WireVector(
            "TPMT_KDF_SCHEME kdf1-108 sha256", "0022 000b",
            TPMTKDFScheme.kdf1SP800_108(TPMSSchemeHash(hashAlg: .sha256))),
        // libtss2-mu 3.2.1
        WireVector("TPMT_RSA_SCHEME oaep sha1", "0017 0004", TPMTRSAScheme.oaep(TPMSSchemeHash(hashAlg: .sha1))),
        WireVector("TPMT_RSA_SCHEME rsaes (empty details)", "0015", TPMTRSAScheme.rsaes),
        WireVector(
            "TPMT_RSA_SCHEME rsassa sha256", "0014 000b",
            TPMTRSAScheme.rsassa(TPMSSchemeHash(hashAlg: .sha256))),
        WireVector(
            "TPMT_RSA_SCHEME rsapss sha384", "0016 000c",
            TPMTRSAScheme.rsapss(TPMSSchemeHash(hashAlg: .sha384))),
        WireVector("TPMT_RSA_SCHEME+ null", "0010", nullable: TPMTRSAScheme?.none),
        WireVector("TPMT_RSA_DECRYPT rsaes", "0015", TPMTRSADecrypt.rsaes),
        WireVector("TPMT_RSA_DECRYPT oaep sha256", "0017 000b", TPMTRSADecrypt.oaep(TPMSSchemeHash(hashAlg: .sha256))),
        WireVector("TPMT_RSA_DECRYPT+ null", "0010", nullable: TPMTRSADecrypt?.none),
        // libtss2-mu 3.2.1
        WireVector("TPMT_ECC_SCHEME ecdh sha384", "0019 000c", TPMTECCScheme.ecdh(TPMSSchemeHash(hashAlg: .sha384))),
        WireVector("TPMT_ECC_SCHEME ecdsa sha256", "0018 000b", TPMTECCScheme.ecdsa(TPMSSchemeHash(hashAlg: .sha256))),
        WireVector("TPMT_ECC_SCHEME+ null", "0010", nullable: TPMTECCScheme?.none),
    ]

    @Test(arguments: vectors) func roundTrip(_ vector: WireVector) {
        vector.check()
    }

    static let failures: [WireFailure] = [
        WireFailure("scheme hash null", "0010", .hash, as: TPMSSchemeHash.self),
        WireFailure("xor: null hash", "0010 0022", .hash, as: TPMSSchemeXOR.self),
        WireFailure("xor: kdf2", "000b 0021", .kdf, as: TPMSSchemeXOR.self),
        WireFailure("keyedhash: null without +", "0010", .value, as: TPMTKeyedHashScheme.self),
        WireFailure("keyedhash: rsassa", "0014 000b", .value, as: TPMTKeyedHashScheme.self),
        WireFailure("keyedhash: hmac truncated", "0005 00", .insufficient, as: TPMTKeyedHashScheme.self),
        WireFailure("keyedhash+: unknown", "0099", .value, nullable: TPMTKeyedHashScheme.self),
        WireFailure("sig: null without +", "0010", .scheme, as: TPMTSigScheme.self),
        WireFailure("sig: rsaes", "0015", .scheme, as: TPMTSigScheme.self),
        WireFailure("sig: ecschnorr", "001c 000b", .scheme, as: TPMTSigScheme.self),
        WireFailure("sig: sha3 hash", "0014 0027", .hash, as: TPMTSigScheme.self),
        WireFailure("kdf: kdf2", "0021 000b", .kdf, as: TPMTKDFScheme.self),
        WireFailure("kdf: null without +", "0010", .kdf, as: TPMTKDFScheme.self),
        WireFailure("rsa scheme: ecdsa", "0018 000b", .value, as: TPMTRSAScheme.self),
        WireFailure("rsa scheme: null without +", "0010", .value, as: TPMTRSAScheme.self),
        WireFailure("rsa scheme: oaep truncated", "0017", .insufficient, as: TPMTRSAScheme.self),
        WireFailure("rsa decrypt: rsassa", "0014 000b", .value, as: TPMTRSADecrypt.self),
        WireFailure("ecc scheme: rsassa", "0014 000b", .scheme, as: TPMTECCScheme.self),
        WireFailure("ecc scheme: ecdaa", "001a 000b", .scheme, as: TPMTECCScheme.self),
        WireFailure("ecc scheme: ecmqv", "001d 000b", .scheme, as: TPMTECCScheme.self),
        WireFailure("ecc scheme: trailing", "0018 000b 00", .size, as: TPMTECCScheme.self),
    ]

    @Test(arguments: failures) func rejects(_ failure: WireFailure) {
        failure.check()
    }

    @Test func selectorsAndHashes() {
        #expect(TPMTRSAScheme.rsaes.hashAlg == nil)
        #expect(TPMTRSAScheme.oaep(TPMSSchemeHash(hashAlg: .sha1)).scheme == .oaep)
        #expect(TPMTSigScheme.ecdsa(TPMSSchemeHash(hashAlg: .sha384)).hashAlg == .sha384)
        #expect(TPMTKDFScheme.mgf1(TPMSSchemeHash(hashAlg: .sha1)).hashAlg == .sha1)
        #expect(TPMTECCScheme.ecdh(TPMSSchemeHash(hashAlg: .sha256)).scheme == .ecdh)
        #expect(TPMTKeyedHashScheme.hmac(TPMSSchemeHash(hashAlg: .sha256)).scheme == .hmac)
    }
}
