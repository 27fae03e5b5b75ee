// SPDX-License-Identifier: Apache-2.0

import TPMWire
import Testing

/// Creation data (Part 2, 15). The "libtss2-mu" row is the bytes tpm2-tss 3.2.1 produced for the same value.
@Suite struct CreationDataTests {
    static let primaryCreationData = TPMSCreationData(
        pcrSelect: try! TPMLPCRSelection([TPMSPCRSelection(hash: .sha256, pcrs: [0, 7])]),
        pcrDigest: digest(counting(32, from: 0x50)), locality: .zero, parentNameAlg: .null,
        parentName: name([0x40, 0, 0, 0x01]), parentQualifiedName: name([0x40, 0, 0, 0x01]), outsideInfo: .empty)

    static let body =
        "00000001 000b 03 810000 0020" + countingHex(32, from: 0x50)
        + "01 0010 0004 40000001 0004 40000001 0000"

    static let vectors: [WireVector] = [
        // libtss2-mu 3.2.1
        WireVector("TPM2B_CREATION_DATA of a primary", "003d" + body, TPM2BCreationData(primaryCreationData)),
        WireVector("TPMS_CREATION_DATA", body, primaryCreationData),
        WireVector(
            "TPMS_CREATION_DATA minimal", "00000000 0000 00 0004 0000 0000 0000",
            TPMSCreationData(
                pcrSelect: try! TPMLPCRSelection([]), pcrDigest: .empty, locality: [],
                parentNameAlg: .sha1, parentName: .empty, parentQualifiedName: .empty,
                outsideInfo: .empty)),
    ]

    @Test(arguments: vectors) func roundTrip(_ vector: WireVector) {
        vector.check()
    }

    static let failures: [WireFailure] = [
        WireFailure("size 0", "0000", .size, as: TPM2BCreationData.self),
        WireFailure("size short", "003c" + body, .size, as: TPM2BCreationData.self),
        WireFailure("size long", "003e" + body + "00", .size, as: TPM2BCreationData.self),
        WireFailure("five PCR selections", "00000005", .size, as: TPMSCreationData.self),
        WireFailure("selection of an unimplemented hash", "00000001 0012 03 000000", .hash, as: TPMSCreationData.self),
        WireFailure("selection of 4 bytes", "00000001 000b 04 00000000", .value, as: TPMSCreationData.self),
        WireFailure(
            "outsideInfo 67 bytes", "00000000 0000 00 0010 0000 0000 0043" + countingHex(67, from: 0), .size,
            as: TPMSCreationData.self),
        WireFailure("truncated", "003d 00000001 000b", .insufficient, as: TPM2BCreationData.self),
    ]

    @Test(arguments: failures) func rejects(_ failure: WireFailure) {
        failure.check()
    }
}
