// SPDX-License-Identifier: Apache-2.0

import TPMWire
import Testing

@testable import TPMCrypto

extension Array where Element == UInt8 {
    init(hex: String) {
        let digits: [Character] = hex.filter { !$0.isWhitespace }.map { $0 }
        self = stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0..<($0 + 2)]), radix: 16)! }
    }

    var hex: String { map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() }
}

@Suite struct HashKnownAnswerTests {
    /// FIPS 180-4 example "abc" digests (NIST CSRC "Examples with Intermediate Values").
    @Test(arguments: [
        (TPMIAlgHash.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d"),
        (.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (.sha384, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"),
        (
            .sha512,
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
        ),
    ])
    func abc(_ hash: TPMIAlgHash, _ expected: String) {
        #expect(TPMHash.digest(hash, Array("abc".utf8)).hex == expected)
        #expect(TPMHash.digest(hash, parts: [Array("a".utf8), Array("bc".utf8)]).hex == expected)
    }

    @Test func stateForksOnCopy() {
        var first = TPMHashState(.sha256)
        first.update(Array("ab".utf8))
        var second = first
        second.update(Array("c".utf8))
        #expect(second.finalize().hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(first.finalize() == TPMHash.digest(.sha256, Array("ab".utf8)))
    }

    /// RFC 4231, test case 2 (key "Jefe").
    @Test(arguments: [
        (TPMIAlgHash.sha256, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (.sha384, "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649"),
        (
            .sha512,
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
        ),
    ])
    func hmacRFC4231(_ hash: TPMIAlgHash, _ expected: String) {
        let mac = TPMHash.hmac(hash, key: Array("Jefe".utf8), Array("what do ya want for nothing?".utf8))
        #expect(mac.hex == expected)
    }
}

@Suite struct CTRDRBGKnownAnswerTests {
    /// NIST CAVP DRBG test vectors (drbgvectors_no_reseed, CTR_DRBG.rsp, [AES-256 no df], no prediction
    /// resistance, EntropyInputLen 384, COUNT = 0): instantiate, generate 512 bits twice; the second output
    /// is ReturnedBits.
    @Test func cavpNoReseed() {
        var drbg = CTRDRBG(
            entropy: [UInt8](
                hex: """
                    df5d73faa468649edda33b5cca79b0b05600419ccb7a879ddfec9db32ee494e5531b51de16a30f769262474c73bec010
                    """))
        _ = drbg.generate(64)
        #expect(
            drbg.generate(64).hex == """
                d1c07cd95af8a7f11012c84ce48bb8cb87189e99d40fccb1771c619bdf82ab2280b1dc2f2581f39164f7ac0c510494b3\
                a43c41b7db17514c87b107ae793e01c5
                """)
    }

    /// NIST CAVP CTR_DRBG.rsp, [AES-256 no df], PredictionResistance = False, COUNT = 0: instantiate, reseed,
    /// generate 512 bits twice; the second output is ReturnedBits.
    @Test func cavpWithReseed() {
        var drbg = CTRDRBG(
            entropy: [UInt8](
                hex: """
                    e4bc23c5089a19d86f4119cb3fa08c0a4991e0a1def17e101e4c14d9c323460a7c2fb58e0b086c6c57b55f56cae25bad
                    """))
        drbg.reseed(
            entropy: [UInt8](
                hex: """
                    fd85a836bba85019881e8c6bad23c9061adc75477659acaea8e4a01dfe07a1832dad1c136f59d70f8653a5dc118663d6
                    """))
        _ = drbg.generate(64)
        #expect(
            drbg.generate(64).hex == """
                b2cb8905c05e5950ca31895096be29ea3d5a3b82b269495554eb80fe07de43e193b9e7c3ece73b80e062b1c1f68202fb\
                b1c52a040ea2478864295282234aaada
                """)
    }

    @Test func counterCarriesAcrossBytes() {
        var block: [UInt8] = [0, 0xFF, 0xFF]
        CTRDRBG.increment(&block, by: 1)
        #expect(block == [1, 0, 0])
        CTRDRBG.increment(&block, by: 0x1FF)
        #expect(block == [1, 1, 0xFF])
    }

    @Test func largeRequestsAreSplitAndOutputsDiffer() {
        var drbg = CTRDRBG(entropy: [UInt8](repeating: 7, count: 48))
        #expect(drbg.generate(CTRDRBG.maxBytesPerRequest + 10).count == CTRDRBG.maxBytesPerRequest + 10)
        #expect(drbg.generate(32) != drbg.generate(32))
        // Additional input longer than seedlen is accepted (condensed with SHA-384).
        drbg.reseed(entropy: [UInt8](repeating: 9, count: 48), additionalInput: [UInt8](repeating: 1, count: 128))
        #expect(drbg.generate(16).count == 16)
    }

    @Test func poolServesSmallRequestsAndDropsItsBlockOnReseed() {
        var first = RandomPool(CTRDRBG(entropy: [UInt8](repeating: 3, count: 48)))
        var second = first
        let a = first.bytes(16) + first.bytes(16)
        #expect(a == second.bytes(32))
        second.reseed(entropy: [UInt8](repeating: 4, count: 48))
        #expect(first.bytes(32) != second.bytes(32))
    }
}
