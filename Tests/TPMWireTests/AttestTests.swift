// SPDX-License-Identifier: Apache-2.0

import TPMWire
import Testing

/// Attestation structures (Part 2, 10.12). Rows marked "libtss2-mu" are the bytes tpm2-tss 3.2.1's
/// Tss2_MU_TPMS_ATTEST_Marshal produced for the same values.
@Suite struct AttestTests {
    static let zeroClock = TPMSClockInfo(clock: 0, resetCount: 0, restartCount: 0, safe: false)
    /// magic, type, then empty qualifiedSigner and extraData, a zero clock and firmware version.
    static func header(_ type: String) -> String {
        "ff544347" + type + "0000 0000" + "0000000000000000 00000000 00000000 00" + "0000000000000000"
    }

    static func attest(_ attested: TPMUAttest, clock: TPMSClockInfo = zeroClock) -> TPMSAttest {
        TPMSAttest(qualifiedSigner: .empty, extraData: .empty, clockInfo: clock, firmwareVersion: 0, attested: attested)
    }

    static let quote = TPMSAttest(
        qualifiedSigner: name([0x00, 0x0B] + counting(32, from: 0x70)),
        extraData: try! TPM2BData(counting(4, from: 0xAA)),
        clockInfo: TPMSClockInfo(clock: 0x01_0203_0405, resetCount: 2, restartCount: 1, safe: true),
        firmwareVersion: 0x0001_0000_0000_0000,
        attested: .quote(
            TPMSQuoteInfo(
                pcrSelect: try! TPMLPCRSelection([TPMSPCRSelection(hash: .sha1, pcrs: [0, 1, 2])]),
                pcrDigest: digest(counting(32, from: 0xE0)))))

    static let quoteHex =
        "ff544347 8018 0022 000b" + countingHex(32, from: 0x70) + "0004 aaabacad"
        + "0000000102030405 00000002 00000001 01 0001000000000000"
        + "00000001 0004 03 070000 0020" + countingHex(32, from: 0xE0)

    static let vectors: [WireVector] = [
        // libtss2-mu 3.2.1
        WireVector("TPMS_ATTEST quote", quoteHex, quote),
        // libtss2-mu 3.2.1
        WireVector(
            "TPMS_ATTEST certify",
            "ff544347 8017 0000 0000 00000000000003e8 00000000 00000000 00 0000000000000000"
                + "0004 81000000 0002 0010",
            attest(
                .certify(TPMSCertifyInfo(name: name([0x81, 0, 0, 0]), qualifiedName: name([0, 0x10]))),
                clock: TPMSClockInfo(clock: 1000, resetCount: 0, restartCount: 0, safe: false))),
        // libtss2-mu 3.2.1
        WireVector(
            "TPMS_ATTEST nv", header("8014") + "0004 01000000 0008 0003 414243",
            attest(
                .nv(
                    TPMSNVCertifyInfo(
                        indexName: name([1, 0, 0, 0]), offset: 8,
                        nvContents: try! TPM2BMaxNVBuffer([0x41, 0x42, 0x43]))))),
        // libtss2-mu 3.2.1
        WireVector(
            "TPMS_ATTEST command audit", header("8015") + "0000000000000005 000b 0001 00 0002 0000",
            attest(
                .commandAudit(
                    TPMSCommandAuditInfo(
                        auditCounter: 5, digestAlg: .sha256,
                        auditDigest: digest([0]),
                        commandDigest: digest([0, 0]))))),
        // libtss2-mu 3.2.1
        WireVector(
            "TPMS_ATTEST time",
            header("8019") + "000000000000004d 0000000000000058 00000000 00000000 01 0000000000000009",
            attest(
                .time(
                    TPMSTimeAttestInfo(
                        time: TPMSTimeInfo(
                            time: 77,
                            clockInfo: TPMSClockInfo(
                                clock: 88, resetCount: 0, restartCount: 0,
                                safe: true)),
                        firmwareVersion: 9)))),
        WireVector(
            "TPMS_ATTEST session audit", header("8016") + "01 0001 ab",
            attest(.sessionAudit(TPMSSessionAuditInfo(exclusiveSession: true, sessionDigest: digest([0xAB]))))),
        WireVector(
            "TPMS_ATTEST creation", header("801a") + "0002 0b0b 0001 cc",
            attest(.creation(TPMSCreationInfo(objectName: name([0x0B, 0x0B]), creationHash: digest([0xCC]))))),
        WireVector("TPM2B_ATTEST holds the marshalled quote", "0075" + quoteHex, TPM2BAttest(quote)),
    ]

    @Test(arguments: vectors) func roundTrip(_ vector: WireVector) {
        vector.check()
    }

    static let failures: [WireFailure] = [
        WireFailure("wrong magic", "ff544348 8018", .value, as: TPMSAttest.self),
        WireFailure("NV digest certify (not implemented)", "ff544347 801c", .selector, as: TPMSAttest.self),
        WireFailure("creation ticket tag", "ff544347 8021", .selector, as: TPMSAttest.self),
        WireFailure("truncated header", "ff544347 8018 0022", .insufficient, as: TPMSAttest.self),
        WireFailure("truncated member", header("8017") + "0004 8100", .insufficient, as: TPMSAttest.self),
        WireFailure(
            "unsafe flag 2", "ff544347 8019 0000 0000 0000000000000000 00000000 00000000 02", .value,
            as: TPMSAttest.self),
        WireFailure("trailing byte", header("8016") + "00 0000 00", .size, as: TPMSAttest.self),
        WireFailure("session audit: exclusive 2", header("8016") + "02 0000", .value, as: TPMSAttest.self),
        WireFailure(
            "nv: contents 1025 bytes", header("8014") + "0000 0000 0401" + countingHex(1025, from: 0), .size,
            as: TPMSAttest.self),
        WireFailure("TPM2B_ATTEST too long", "04f0" + countingHex(1264, from: 0), .size, as: TPM2BAttest.self),
    ]

    @Test(arguments: failures) func rejects(_ failure: WireFailure) {
        failure.check()
    }

    @Test func attestBufferDecodesItsContents() throws {
        let buffer = TPM2BAttest(Self.quote)
        #expect(try buffer.attest() == Self.quote)
        #expect(Self.quote.type == .attestQuote)
        let padded = try TPM2BAttest(buffer.buffer + [0])
        #expect(throws: TPMRC.size) { try padded.attest() }
    }

    @Test func largestAttestationFitsTheBuffer() throws {
        let largest = TPMSAttest(
            qualifiedSigner: name(counting(66, from: 0)), extraData: try TPM2BData(counting(66, from: 0)),
            clockInfo: Self.zeroClock, firmwareVersion: 0,
            attested: .nv(
                TPMSNVCertifyInfo(
                    indexName: name(counting(66, from: 0)), offset: 0,
                    nvContents: try TPM2BMaxNVBuffer(counting(1024, from: 0)))))
        #expect(largest.marshalled().count == TPMSAttest.maxMarshalledSize)
        #expect(TPM2BAttest.maxSize == 1263)
        #expect(TPMUAttest.selectors.count == 7)
    }
}
