// SPDX-License-Identifier: Apache-2.0

import TPMWire
import Testing

/// Tickets (Part 2, 10.7). Rows marked "libtss2-mu" are the bytes tpm2-tss 3.2.1 produced for the same values.
@Suite struct TicketTests {
    static let vectors: [WireVector] = [
        // libtss2-mu 3.2.1
        WireVector(
            "TPMT_TK_CREATION owner", "8021 40000001 0020" + countingHex(32, from: 0xC0),
            try! TPMTTKCreation(hierarchy: .owner, digest: digest(counting(32, from: 0xC0)))),
        WireVector("TPMT_TK_CREATION null ticket", "8021 40000007 0000", TPMTTKCreation.null),
        WireVector(
            "TPMT_TK_VERIFIED endorsement", "8022 4000000b 0001 55",
            try! TPMTTKVerified(hierarchy: .endorsement, digest: digest([0x55]))),
        WireVector("TPMT_TK_VERIFIED null ticket", "8022 40000007 0000", TPMTTKVerified.null),
        // libtss2-mu 3.2.1
        WireVector(
            "TPMT_TK_AUTH secret, null hierarchy", "8023 40000007 0000",
            try! TPMTTKAuth(tag: .authSecret, hierarchy: .null, digest: .empty)),
        WireVector(
            "TPMT_TK_AUTH signed, platform", "8025 4000000c 0002 0102",
            try! TPMTTKAuth(tag: .authSigned, hierarchy: .platform, digest: digest([1, 2]))),
        WireVector(
            "TPMT_TK_HASHCHECK owner", "8024 40000001 0001 ee",
            try! TPMTTKHashcheck(hierarchy: .owner, digest: digest([0xEE]))),
        WireVector("TPMT_TK_HASHCHECK null ticket", "8024 40000007 0000", TPMTTKHashcheck.null),
    ]

    @Test(arguments: vectors) func roundTrip(_ vector: WireVector) {
        vector.check()
    }

    static let failures: [WireFailure] = [
        WireFailure("creation: verified tag", "8022 40000001 0000", .tag, as: TPMTTKCreation.self),
        WireFailure("creation: TPM_RS_PW hierarchy", "8021 40000009 0000", .value, as: TPMTTKCreation.self),
        WireFailure("creation: lockout hierarchy", "8021 4000000a 0000", .value, as: TPMTTKCreation.self),
        WireFailure("creation: transient handle", "8021 80000000 0000", .value, as: TPMTTKCreation.self),
        WireFailure(
            "creation: digest 65 bytes", "8021 40000001 0041" + countingHex(65, from: 0), .size,
            as: TPMTTKCreation.self),
        WireFailure("creation: truncated", "8021 4000", .insufficient, as: TPMTTKCreation.self),
        WireFailure("verified: creation tag", "8021 40000001 0000", .tag, as: TPMTTKVerified.self),
        WireFailure("verified: owner-NV handle", "8022 40000002 0000", .value, as: TPMTTKVerified.self),
        WireFailure("auth: hashcheck tag", "8024 40000007 0000", .tag, as: TPMTTKAuth.self),
        WireFailure("auth: session handle", "8023 02000000 0000", .value, as: TPMTTKAuth.self),
        WireFailure("hashcheck: creation tag", "8021 40000007 0000", .tag, as: TPMTTKHashcheck.self),
    ]

    @Test(arguments: failures) func rejects(_ failure: WireFailure) {
        failure.check()
    }

    @Test func constructionChecksTagAndHierarchy() {
        #expect(throws: TPMRC.tag) { try TPMTTKAuth(tag: .creation, hierarchy: .owner, digest: .empty) }
        #expect(throws: TPMRC.value) { try TPMTTKAuth(tag: .authSigned, hierarchy: .lockout, digest: .empty) }
        #expect(throws: TPMRC.value) { try TPMTTKCreation(hierarchy: .password, digest: .empty) }
        #expect(throws: TPMRC.value) { try TPMTTKVerified(hierarchy: TPMHandle(0x8100_0001), digest: .empty) }
        #expect(TPMTTKCreation.null.tag == .creation)
        #expect(TPMTTKVerified.null.tag == .verified)
    }
}
