// SPDX-License-Identifier: Apache-2.0

import TPMWire
import Testing

/// Digests and byte buffers (Part 2, 10.3, 10.4, 10.9.4-10.9.6). The "libtss2-mu" row is the bytes
/// tpm2-tss 3.2.1 produced for the same value.
@Suite struct DigestTests {
    static let vectors: [WireVector] = [
        // libtss2-mu 3.2.1
        WireVector(
            "TPML_DIGEST_VALUES sha1 + sha384",
            "00000002 0004" + String(repeating: "11", count: 20) + "000c" + String(repeating: "22", count: 48),
            try! TPMLDigestValues([
                TPMTHA(hashAlg: .sha1, digest: [UInt8](repeating: 0x11, count: 20)),
                TPMTHA(hashAlg: .sha384, digest: [UInt8](repeating: 0x22, count: 48)),
            ])),
        WireVector(
            "TPMT_HA sha256", "000b" + countingHex(32, from: 0),
            try! TPMTHA(hashAlg: .sha256, digest: counting(32, from: 0))),
        WireVector(
            "TPMT_HA sha512", "000d" + countingHex(64, from: 0),
            try! TPMTHA(hashAlg: .sha512, digest: counting(64, from: 0))),
        WireVector("TPML_DIGEST two", "00000002 0001 aa 0000", try! TPMLDigest([digest([0xAA]), .empty])),
        WireVector("TPM2B_DIGEST full", "0040" + countingHex(64, from: 0), digest(counting(64, from: 0))),
        WireVector("TPM2B_DATA full", "0042" + countingHex(66, from: 0), try! TPM2BData(counting(66, from: 0))),
        WireVector("TPM2B_NAME handle", "0004 40000001", name([0x40, 0, 0, 1])),
        WireVector("TPM2B_SENSITIVE_DATA", "0002 0102", try! TPM2BSensitiveData([1, 2])),
        WireVector("TPM2B_IV", "0010" + countingHex(16, from: 0), try! TPM2BIV(counting(16, from: 0))),
        WireVector("TPM2B_TIMEOUT", "0008 0000000000000001", try! TPM2BTimeout([0, 0, 0, 0, 0, 0, 0, 1])),
        WireVector("TPM2B_MAX_BUFFER empty", "0000", TPM2BMaxBuffer.empty),
        WireVector("TPM2B_EVENT", "0003 657674", try! TPM2BEvent(Array("evt".utf8))),
    ]

    @Test(arguments: vectors) func roundTrip(_ vector: WireVector) {
        vector.check()
    }

    static let failures: [WireFailure] = [
        WireFailure("TPMT_HA null", "0010", .hash, as: TPMTHA.self),
        WireFailure("TPMT_HA short digest", "0004" + countingHex(19, from: 0), .insufficient, as: TPMTHA.self),
        WireFailure("TPMT_HA long digest", "0004" + countingHex(21, from: 0), .size, as: TPMTHA.self),
        WireFailure("TPML_DIGEST_VALUES 5", "00000005", .size, as: TPMLDigestValues.self),
        WireFailure("TPML_DIGEST_VALUES bad hash", "00000001 0099", .hash, as: TPMLDigestValues.self),
        WireFailure("TPML_DIGEST 9", "00000009", .size, as: TPMLDigest.self),
        WireFailure("TPML_DIGEST huge count", "ffffffff", .size, as: TPMLDigest.self),
        WireFailure("TPM2B_DIGEST 65", "0041" + countingHex(65, from: 0), .size, as: TPM2BDigest.self),
        WireFailure("TPM2B_DIGEST truncated", "0004 0102", .insufficient, as: TPM2BDigest.self),
        WireFailure("TPM2B_DATA 67", "0043" + countingHex(67, from: 0), .size, as: TPM2BData.self),
        WireFailure("TPM2B_NAME 67", "0043" + countingHex(67, from: 0), .size, as: TPM2BName.self),
        WireFailure(
            "TPM2B_SENSITIVE_DATA 129", "0081" + countingHex(129, from: 0), .size,
            as: TPM2BSensitiveData.self),
        WireFailure("TPM2B_IV 17", "0011" + countingHex(17, from: 0), .size, as: TPM2BIV.self),
        WireFailure("TPM2B_TIMEOUT 9", "0009" + countingHex(9, from: 0), .size, as: TPM2BTimeout.self),
        WireFailure("TPM2B_MAX_BUFFER 1025", "0401" + countingHex(1025, from: 0), .size, as: TPM2BMaxBuffer.self),
        WireFailure(
            "TPM2B_MAX_NV_BUFFER 1025", "0401" + countingHex(1025, from: 0), .size,
            as: TPM2BMaxNVBuffer.self),
        WireFailure("TPM2B_EVENT 1025", "0401" + countingHex(1025, from: 0), .size, as: TPM2BEvent.self),
        WireFailure("TPM2B size field truncated", "00", .insufficient, as: TPM2BDigest.self),
    ]

    @Test(arguments: failures) func rejects(_ failure: WireFailure) {
        failure.check()
    }

    @Test func constructionChecksLimits() {
        #expect(throws: TPMRC.size) { try TPMTHA(hashAlg: .sha256, digest: [0]) }
        #expect(throws: TPMRC.size) { try TPM2BDigest(counting(65, from: 0)) }
        #expect(throws: TPMRC.size) { try TPMLDigest(Array(repeating: .empty, count: 9)) }
    }
}
