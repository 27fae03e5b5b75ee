// SPDX-License-Identifier: Apache-2.0

import TPMWire
import Testing

/// TPMT_SYM_DEF and TPMT_SYM_DEF_OBJECT (Part 2, 11.1.6-11.1.7). Rows marked "libtss2-mu" were produced by
/// tpm2-tss 3.2.1's Tss2_MU_TPMT_SYM_DEF_Marshal, an independent implementation.
@Suite struct SymDefTests {
    static let vectors: [WireVector] = [
        // libtss2-mu 3.2.1
        WireVector("TPMT_SYM_DEF aes-128-cfb", "0006 0080 0043", TPMTSymDef.aes(keyBits: .aes128, mode: .cfb)),
        // libtss2-mu 3.2.1: XOR puts its hash in the key-bits slot and has no mode.
        WireVector("TPMT_SYM_DEF xor sha256", "000a 000b", TPMTSymDef.xor(hashAlg: .sha256)),
        WireVector("TPMT_SYM_DEF aes-256 null mode", "0006 0100 0010", TPMTSymDef.aes(keyBits: .aes256, mode: nil)),
        // libtss2-mu 3.2.1
        WireVector("TPMT_SYM_DEF+ null", "0010", nullable: TPMTSymDef?.none),
        WireVector(
            "TPMT_SYM_DEF+ aes-192-ctr", "0006 00c0 0040",
            nullable: TPMTSymDef.aes(keyBits: .aes192, mode: .ctr)),
        WireVector(
            "TPMT_SYM_DEF_OBJECT aes-128-cbc", "0006 0080 0042",
            TPMTSymDefObject.aes(keyBits: .aes128, mode: .cbc)),
        WireVector("TPMT_SYM_DEF_OBJECT+ null", "0010", nullable: TPMTSymDefObject?.none),
        WireVector(
            "TPMS_SYMCIPHER_PARMS aes-256-ofb", "0006 0100 0041",
            TPMSSymCipherParms(sym: .aes(keyBits: .aes256, mode: .ofb))),
    ]

    @Test(arguments: vectors) func roundTrip(_ vector: WireVector) {
        vector.check()
    }

    static let failures: [WireFailure] = [
        WireFailure("null without +", "0010", .symmetric, as: TPMTSymDef.self),
        WireFailure("unknown algorithm", "0099 0080 0043", .symmetric, as: TPMTSymDef.self),
        WireFailure("SM4", "0013 0080 0043", .symmetric, as: TPMTSymDef.self),
        WireFailure("AES 100 bits", "0006 0064 0043", .value, as: TPMTSymDef.self),
        WireFailure("AES with CMAC", "0006 0080 003f", .mode, as: TPMTSymDef.self),
        WireFailure("XOR with null hash", "000a 0010", .hash, as: TPMTSymDef.self),
        WireFailure("truncated key bits", "0006 00", .insufficient, as: TPMTSymDef.self),
        WireFailure("truncated mode", "0006 0080", .insufficient, as: TPMTSymDef.self),
        WireFailure("trailing byte", "000a 000b 00", .size, as: TPMTSymDef.self),
        WireFailure("+ form, bad mode", "0006 0080 0099", .mode, nullable: TPMTSymDef.self),
        WireFailure("object: XOR", "000a 000b", .symmetric, as: TPMTSymDefObject.self),
        WireFailure("object: null without +", "0010", .symmetric, as: TPMTSymDefObject.self),
        WireFailure("object+: XOR", "000a 000b", .symmetric, nullable: TPMTSymDefObject.self),
        WireFailure("symcipher parms: null", "0010", .symmetric, as: TPMSSymCipherParms.self),
    ]

    @Test(arguments: failures) func rejects(_ failure: WireFailure) {
        failure.check()
    }

    @Test func objectDefinitionConvertsToSessionDefinition() {
        let object = TPMTSymDefObject.aes(keyBits: .aes128, mode: .cfb)
        #expect(TPMTSymDef(object) == .aes(keyBits: .aes128, mode: .cfb))
        #expect(object.keyBits == 128)
        #expect(object.mode == .cfb)
        #expect(TPMTSymDef.xor(hashAlg: .sha1).algorithm == .xor)
    }
}
