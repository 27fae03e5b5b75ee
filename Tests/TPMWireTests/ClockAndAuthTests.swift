// SPDX-License-Identifier: Apache-2.0

import TPMWire
import Testing

/// Clock and authorization structures (Part 2, 10.11 and 10.13). Rows marked "libtss2-mu" are the bytes
/// tpm2-tss 3.2.1 produced for the same values.
@Suite struct ClockAndAuthTests {
    static let vectors: [WireVector] = [
        // libtss2-mu 3.2.1
        WireVector(
            "TPMS_CLOCK_INFO", "1122334455667788 00000003 00000004 01",
            TPMSClockInfo(clock: 0x1122_3344_5566_7788, resetCount: 3, restartCount: 4, safe: true)),
        WireVector(
            "TPMS_TIME_INFO", "0000000000000010 0000000000000020 00000000 00000000 00",
            TPMSTimeInfo(
                time: 16,
                clockInfo: TPMSClockInfo(
                    clock: 32, resetCount: 0, restartCount: 0,
                    safe: false))),
        // libtss2-mu 3.2.1
        WireVector(
            "TPMS_AUTH_COMMAND password", "40000009 0000 01 0004 70617373",
            TPMSAuthCommand(
                sessionHandle: .password, nonce: .empty, sessionAttributes: .continueSession,
                hmac: try! TPM2BAuth(Array("pass".utf8)))),
        WireVector("TPMS_AUTH_COMMAND empty password", "40000009 0000 00 0000", TPMSAuthCommand.password()),
        WireVector(
            "TPMS_AUTH_COMMAND hmac session", "02000000 0002 abcd 21 0001 ee",
            TPMSAuthCommand(
                sessionHandle: .firstHMACSession, nonce: digest([0xAB, 0xCD]),
                sessionAttributes: [.continueSession, .decrypt], hmac: digest([0xEE]))),
        WireVector(
            "TPMS_AUTH_RESPONSE", "0001 11 01 0000",
            TPMSAuthResponse(nonce: digest([0x11]), sessionAttributes: .continueSession, hmac: .empty)),
        WireVector("TPMI_YES_NO yes", "01", true),
        WireVector("TPMI_YES_NO no", "00", false),
    ]

    @Test(arguments: vectors) func roundTrip(_ vector: WireVector) {
        vector.check()
    }

    static let failures: [WireFailure] = [
        WireFailure("clock: safe 2", "0000000000000000 00000000 00000000 02", .value, as: TPMSClockInfo.self),
        WireFailure("clock: truncated", "0000000000000000 00000000 0000", .insufficient, as: TPMSClockInfo.self),
        WireFailure(
            "auth: reserved attribute bit 3", "40000009 0000 08 0000", .reservedBits,
            as: TPMSAuthCommand.self),
        WireFailure(
            "auth: nonce 65 bytes", "02000000 0041" + countingHex(65, from: 0) + "00 0000", .size,
            as: TPMSAuthCommand.self),
        WireFailure(
            "auth: hmac 65 bytes", "40000009 0000 00 0041" + countingHex(65, from: 0), .size,
            as: TPMSAuthCommand.self),
        WireFailure("auth: truncated", "40000009 0000", .insufficient, as: TPMSAuthCommand.self),
        WireFailure("auth response: reserved bit 4", "0000 10 0000", .reservedBits, as: TPMSAuthResponse.self),
        WireFailure("yes/no 2", "02", .value, as: Bool.self),
    ]

    @Test(arguments: failures) func rejects(_ failure: WireFailure) {
        failure.check()
    }
}
