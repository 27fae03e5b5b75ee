// SPDX-License-Identifier: Apache-2.0

import TPMWire
import Testing

/// PCR selections (Part 2, 10.6.2 and 10.9.7). The "libtss2-mu" row is the bytes tpm2-tss 3.2.1 produced.
@Suite struct PCRSelectionTests {
    static let vectors: [WireVector] = [
        // libtss2-mu 3.2.1
        WireVector(
            "TPML_PCR_SELECTION sha1 0-7,23 + sha256 8", "00000002 0004 03 ff0080 000b 03 000100",
            try! TPMLPCRSelection([
                TPMSPCRSelection(hash: .sha1, pcrs: [0, 1, 2, 3, 4, 5, 6, 7, 23]),
                TPMSPCRSelection(hash: .sha256, pcrs: [8]),
            ])),
        WireVector("TPML_PCR_SELECTION empty", "00000000", try! TPMLPCRSelection([])),
        WireVector("TPMS_PCR_SELECTION sha512 none", "000d 03 000000", TPMSPCRSelection(hash: .sha512, pcrs: [])),
        WireVector(
            "TPMS_PCR_SELECTION sha384 bitmap", "000c 03 010203",
            try! TPMSPCRSelection(hash: .sha384, pcrSelect: [1, 2, 3])),
    ]

    @Test(arguments: vectors) func roundTrip(_ vector: WireVector) {
        vector.check()
    }

    static let failures: [WireFailure] = [
        WireFailure("selection: null hash", "0010 03 000000", .hash, as: TPMSPCRSelection.self),
        WireFailure("selection: sm3 hash", "0012 03 000000", .hash, as: TPMSPCRSelection.self),
        WireFailure("selection: 2-byte bitmap", "000b 02 0000", .value, as: TPMSPCRSelection.self),
        WireFailure("selection: 4-byte bitmap", "000b 04 00000000", .value, as: TPMSPCRSelection.self),
        WireFailure("selection: truncated bitmap", "000b 03 00", .insufficient, as: TPMSPCRSelection.self),
        WireFailure("list: 5 selections", "00000005", .size, as: TPMLPCRSelection.self),
        WireFailure("list: count beyond data", "00000002 000b 03 000000", .insufficient, as: TPMLPCRSelection.self),
        WireFailure("list: trailing byte", "00000000 00", .size, as: TPMLPCRSelection.self),
    ]

    @Test(arguments: failures) func rejects(_ failure: WireFailure) {
        failure.check()
    }

    @Test func bitmapAccessors() throws {
        var selection = TPMSPCRSelection(hash: .sha256, pcrs: [0, 16, 23, 24, -1])
        #expect(selection.pcrs == [0, 16, 23])
        selection.setSelected(16, false)
        selection.setSelected(5, true)
        #expect(selection.pcrs == [0, 5, 23])
        #expect(selection.isSelected(5) && !selection.isSelected(16) && !selection.isSelected(99))
        #expect(!selection.isEmpty)
        #expect(TPMSPCRSelection(hash: .sha1, pcrs: []).isEmpty)
        #expect(throws: TPMRC.value) { try TPMSPCRSelection(hash: .sha1, pcrSelect: [0]) }
        #expect(throws: TPMRC.size) {
            try TPMLPCRSelection(Array(repeating: TPMSPCRSelection(hash: .sha1, pcrs: []), count: 5))
        }
    }
}
