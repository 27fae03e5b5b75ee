// SPDX-License-Identifier: Apache-2.0

import TPMWire
import Testing

/// TPMS_CAPABILITY_DATA and its lists (Part 2, 10.8-10.10). Rows marked "libtss2-mu" are the bytes
/// tpm2-tss 3.2.1 produced for the same values.
@Suite struct CapabilityDataTests {
    static let vectors: [WireVector] = [
        // libtss2-mu 3.2.1
        WireVector(
            "algorithms", "00000000 00000002 0001 00000009 000b 00000004",
            TPMSCapabilityData.algorithms(
                try! TPMLAlgProperty([
                    TPMSAlgProperty(alg: .rsa, algProperties: [.asymmetric, .object]),
                    TPMSAlgProperty(alg: .sha256, algProperties: [.hash]),
                ]))),
        // libtss2-mu 3.2.1
        WireVector(
            "tpm properties", "00000006 00000001 00000105 4d534654",
            TPMSCapabilityData.tpmProperties(
                try! TPMLTaggedTPMProperty([
                    TPMSTaggedProperty(property: .manufacturer, value: 0x4D53_4654)
                ]))),
        // libtss2-mu 3.2.1
        WireVector(
            "ecc curves", "00000008 00000002 0003 0004",
            TPMSCapabilityData.eccCurves(try! TPMLECCCurve([.nistP256, .nistP384]))),
        WireVector(
            "handles", "00000001 00000001 81000001",
            TPMSCapabilityData.handles(try! TPMLHandle([TPMHandle(0x8100_0001)]))),
        WireVector(
            "commands", "00000002 00000001 02000182",
            TPMSCapabilityData.commands(try! TPMLCCA([TPMACC(commandCode: .pcrExtend, handles: 1, flags: [])]))),
        WireVector(
            "pp commands", "00000003 00000001 00000182",
            TPMSCapabilityData.ppCommands(try! TPMLCC([.pcrExtend]))),
        WireVector("audit commands", "00000004 00000000", TPMSCapabilityData.auditCommands(try! TPMLCC([]))),
        WireVector(
            "pcrs", "00000005 00000001 000b 03 ffffff",
            TPMSCapabilityData.assignedPCR(
                try! TPMLPCRSelection([
                    TPMSPCRSelection(hash: .sha256, pcrs: 0..<24)
                ]))),
        WireVector(
            "pcr properties", "00000007 00000001 00000000 03 010000",
            TPMSCapabilityData.pcrProperties(
                try! TPMLTaggedPCRProperty([
                    TPMSTaggedPCRSelect(tag: .save, pcrSelect: [1, 0, 0])
                ]))),
    ]

    @Test(arguments: vectors) func roundTrip(_ vector: WireVector) {
        vector.check()
    }

    static let failures: [WireFailure] = [
        WireFailure(
            "auth policies capability (not implemented)", "00000009 00000000", .selector,
            as: TPMSCapabilityData.self),
        WireFailure("vendor capability", "00000100 00000000", .selector, as: TPMSCapabilityData.self),
        WireFailure("170 algorithm properties", "00000000 000000aa", .size, as: TPMSCapabilityData.self),
        WireFailure("255 handles", "00000001 000000ff", .size, as: TPMSCapabilityData.self),
        WireFailure("TPMA_CC reserved bit", "00000002 00000001 40000182", .reservedBits, as: TPMSCapabilityData.self),
        WireFailure(
            "TPMA_ALGORITHM reserved bit", "00000000 00000001 0001 00000010", .reservedBits,
            as: TPMSCapabilityData.self),
        WireFailure(
            "pcr select of 4 bytes", "00000007 00000001 00000000 04 00000000", .value,
            as: TPMSCapabilityData.self),
        WireFailure("truncated list", "00000008 00000002 0003", .insufficient, as: TPMSCapabilityData.self),
    ]

    @Test(arguments: failures) func rejects(_ failure: WireFailure) {
        failure.check()
    }

    @Test func selectorMatchesCase() {
        #expect(TPMSCapabilityData.eccCurves(try! TPMLECCCurve([])).capability == .eccCurves)
        #expect(TPMSCapabilityData.assignedPCR(try! TPMLPCRSelection([])).capability == .pcrs)
    }
}
