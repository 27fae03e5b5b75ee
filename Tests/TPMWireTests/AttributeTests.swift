// SPDX-License-Identifier: Apache-2.0

import TPMWire
import Testing

/// TPMA bit fields (Part 2, 8): widths, bit positions and reserved bits.
@Suite struct AttributeTests {
    static let vectors: [WireVector] = [
        WireVector(
            "TPMA_OBJECT storage parent", "00030472",
            TPMAObject([
                .fixedTPM, .fixedParent, .sensitiveDataOrigin, .userWithAuth, .noDA, .restricted,
                .decrypt,
            ])),
        WireVector(
            "TPMA_OBJECT every defined bit", "000f0cf6",
            TPMAObject([
                .fixedTPM, .stClear, .fixedParent, .sensitiveDataOrigin, .userWithAuth, .adminWithPolicy,
                .noDA, .encryptedDuplication, .restricted, .decrypt, .signEncrypt, .x509Sign,
            ])),
        WireVector("TPMA_SESSION continue+decrypt+encrypt", "61", TPMASession([.continueSession, .decrypt, .encrypt])),
        WireVector(
            "TPMA_SESSION audit bits", "87",
            TPMASession([.continueSession, .auditExclusive, .auditReset, .audit])),
        WireVector("TPMA_LOCALITY zero", "01", TPMALocality.zero),
        WireVector("TPMA_LOCALITY extended 32", "20", TPMALocality(locality: 32)),
        WireVector("TPMA_ALGORITHM rsa", "00000009", TPMAAlgorithm([.asymmetric, .object])),
        WireVector("TPMA_ALGORITHM keyedhash", "0000030c", TPMAAlgorithm([.hash, .object, .signing, .encrypting])),
        WireVector(
            "TPMA_PERMANENT", "00000707",
            TPMAPermanent([
                .ownerAuthSet, .endorsementAuthSet, .lockoutAuthSet, .disableClear, .inLockout,
                .tpmGeneratedEPS,
            ])),
        WireVector(
            "TPMA_STARTUP_CLEAR", "8000000f",
            TPMAStartupClear([
                .phEnable, .shEnable, .ehEnable, .phEnableNV,
                .orderly,
            ])),
        WireVector("TPMA_MEMORY", "00000006", TPMAMemory([.sharedNV, .objectCopiedToRam])),
        WireVector("TPMA_CC PCR_Extend", "02000182", TPMACC(commandCode: .pcrExtend, handles: 1, flags: [])),
        WireVector(
            "TPMA_CC FlushContext", "01000165",
            TPMACC(commandCode: .flushContext, handles: 0, flags: [.flushed])),
        WireVector("TPMA_MODES", "00000001", TPMAModes.fips140_2),
    ]

    @Test(arguments: vectors) func roundTrip(_ vector: WireVector) {
        vector.check()
    }

    static let failures: [WireFailure] = [
        WireFailure("TPMA_OBJECT bit 0", "00000001", .reservedBits, as: TPMAObject.self),
        WireFailure("TPMA_OBJECT bit 3", "00000008", .reservedBits, as: TPMAObject.self),
        WireFailure("TPMA_OBJECT bit 8", "00000100", .reservedBits, as: TPMAObject.self),
        WireFailure("TPMA_OBJECT bit 20", "00100000", .reservedBits, as: TPMAObject.self),
        WireFailure("TPMA_OBJECT truncated", "000304", .insufficient, as: TPMAObject.self),
        WireFailure("TPMA_SESSION bit 3", "08", .reservedBits, as: TPMASession.self),
        WireFailure("TPMA_SESSION bit 4", "10", .reservedBits, as: TPMASession.self),
        WireFailure("TPMA_ALGORITHM bit 4", "00000010", .reservedBits, as: TPMAAlgorithm.self),
        WireFailure("TPMA_CC bit 30", "40000000", .reservedBits, as: TPMACC.self),
        WireFailure("TPMA_STARTUP_CLEAR bit 4", "00000010", .reservedBits, as: TPMAStartupClear.self),
        WireFailure("TPMA_MEMORY bit 3", "00000008", .reservedBits, as: TPMAMemory.self),
        WireFailure("TPMA_PERMANENT bit 3", "00000008", .reservedBits, as: TPMAPermanent.self),
    ]

    @Test(arguments: failures) func rejects(_ failure: WireFailure) {
        failure.check()
    }

    @Test func localityAndCommandFields() {
        #expect(TPMALocality(locality: 3).permits(3))
        #expect(!TPMALocality(locality: 3).permits(2))
        #expect(TPMALocality(locality: 40).permits(40))
        #expect(!TPMALocality(locality: 40).permits(0))
        let attributes = TPMACC(commandCode: .pcrExtend, handles: 1, flags: [.nv])
        #expect(attributes.commandIndex == 0x0182)
        #expect(attributes.handleCount == 1)
        #expect(attributes.contains(.nv))
    }
}
