// SPDX-License-Identifier: Apache-2.0

import TPMWire
import Testing

/// Signatures (Part 2, 11.3). Rows marked "libtss2-mu" are the bytes tpm2-tss 3.2.1's
/// Tss2_MU_TPMT_SIGNATURE_Marshal produced for the same values.
@Suite struct SignatureTests {
    static let vectors: [WireVector] = [
        // libtss2-mu 3.2.1
        WireVector(
            "TPMT_SIGNATURE ecdsa sha256",
            "0018 000b 0020" + countingHex(32, from: 0x20) + "0020" + countingHex(32, from: 0x80),
            TPMTSignature.ecdsa(
                TPMSSignatureECC(
                    hash: .sha256,
                    signatureR: eccParameter(counting(32, from: 0x20)),
                    signatureS: eccParameter(counting(32, from: 0x80))))),
        // libtss2-mu 3.2.1
        WireVector(
            "TPMT_SIGNATURE rsassa sha1", "0014 0004 0008 f0f1f2f3f4f5f6f7",
            TPMTSignature.rsassa(
                TPMSSignatureRSA(
                    hash: .sha1,
                    sig: try! TPM2BPublicKeyRSA(counting(8, from: 0xF0))))),
        WireVector(
            "TPMT_SIGNATURE rsapss sha512", "0016 000d 0002 abcd",
            TPMTSignature.rsapss(TPMSSignatureRSA(hash: .sha512, sig: try! TPM2BPublicKeyRSA([0xAB, 0xCD])))),
        // libtss2-mu 3.2.1: the HMAC member is a TPMT_HA, a digest without a size field.
        WireVector(
            "TPMT_SIGNATURE hmac sha256", "0005 000b" + countingHex(32, from: 0x01),
            TPMTSignature.hmac(try! TPMTHA(hashAlg: .sha256, digest: counting(32, from: 0x01)))),
        // libtss2-mu 3.2.1
        WireVector("TPMT_SIGNATURE+ null", "0010", nullable: TPMTSignature?.none),
        WireVector(
            "TPMT_SIGNATURE+ hmac sha1", "0005 0004" + countingHex(20, from: 0),
            nullable: TPMTSignature.hmac(try! TPMTHA(hashAlg: .sha1, digest: counting(20, from: 0)))),
        WireVector("TPMS_SIGNATURE_RSA", "000c 0000", TPMSSignatureRSA(hash: .sha384, sig: .empty)),
        WireVector(
            "TPMS_SIGNATURE_ECC", "000b 0001 01 0001 02",
            TPMSSignatureECC(hash: .sha256, signatureR: eccParameter([1]), signatureS: eccParameter([2]))),
    ]

    @Test(arguments: vectors) func roundTrip(_ vector: WireVector) {
        vector.check()
    }

    static let failures: [WireFailure] = [
        WireFailure("null without +", "0010", .scheme, as: TPMTSignature.self),
        WireFailure("rsaes is not a signature", "0015 000b 0000", .scheme, as: TPMTSignature.self),
        WireFailure("ecdaa", "001a 000b 0000 0000", .scheme, as: TPMTSignature.self),
        WireFailure("unknown selector", "7777", .scheme, as: TPMTSignature.self),
        WireFailure("hmac null hash", "0005 0010", .hash, as: TPMTSignature.self),
        WireFailure("hmac digest short", "0005 000b" + countingHex(31, from: 0), .insufficient, as: TPMTSignature.self),
        WireFailure("ecdsa sha3", "0018 0027 0000 0000", .hash, as: TPMTSignature.self),
        WireFailure(
            "ecdsa R 67 bytes", "0018 000b 0043" + countingHex(67, from: 0) + "0000", .size,
            as: TPMTSignature.self),
        WireFailure("ecdsa S missing", "0018 000b 0001 01", .insufficient, as: TPMTSignature.self),
        WireFailure(
            "rsassa sig 513 bytes", "0014 000b 0201" + countingHex(513, from: 0), .size,
            as: TPMTSignature.self),
        WireFailure("trailing byte", "0014 000b 0000 00", .size, as: TPMTSignature.self),
        WireFailure("+ form: rsaes", "0015", .scheme, nullable: TPMTSignature.self),
    ]

    @Test(arguments: failures) func rejects(_ failure: WireFailure) {
        failure.check()
    }

    @Test func selectorAndHash() {
        let signature = TPMTSignature.rsapss(TPMSSignatureRSA(hash: .sha384, sig: .empty))
        #expect(signature.sigAlg == .rsapss)
        #expect(signature.hashAlg == .sha384)
    }
}
