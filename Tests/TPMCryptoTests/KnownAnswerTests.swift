// SPDX-License-Identifier: Apache-2.0

import TPMCrypto
import TPMWire
import Testing

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
        (.sha512, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"),
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
        (.sha512, "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"),
    ])
    func hmacRFC4231(_ hash: TPMIAlgHash, _ expected: String) {
        let mac = TPMHash.hmac(hash, key: Array("Jefe".utf8), Array("what do ya want for nothing?".utf8))
        #expect(mac.hex == expected)
    }
}

@Suite struct HMACDRBGKnownAnswerTests {
    /// NIST CAVP DRBG test vectors (HMAC_DRBG, [SHA-256], no prediction resistance, no reseed, COUNT = 0):
    /// instantiate, generate 1024 bits, generate 1024 bits; the second output is ReturnedBits.
    @Test func cavpNoReseed() {
        var drbg = HMACDRBG(entropy: [UInt8](hex: "ca851911349384bffe89de1cbdc46e6831e44d34a4fb935ee285dd14b71a7488"),
                            nonce: [UInt8](hex: "659ba96c601dc69fc902940805ec0ca8"))
        _ = drbg.generate(128)
        #expect(drbg.generate(128).hex == """
            e528e9abf2dece54d47c7e75e5fe302149f817ea9fb4bee6f4199697d04d5b89d54fbb978a15b5c443c9ec21036d2460b6f73e\
            bad0dc2aba6e624abf07745bc107694bb7547bb0995f70de25d6b29e2d3011bb19d27676c07162c8b5ccde0668961df86803482c\
            b37ed6d5c0bb8d50cf1f50d476aa0458bdaba806f48be9dcb8
            """)
    }

    /// NIST CAVP HMAC_DRBG [SHA-256], PredictionResistance = False, COUNT = 0: instantiate, reseed,
    /// generate twice; the second output is ReturnedBits.
    @Test func cavpWithReseed() {
        var drbg = HMACDRBG(entropy: [UInt8](hex: "06032cd5eed33f39265f49ecb142c511da9aff2af71203bffaf34a9ca5bd9c0d"),
                            nonce: [UInt8](hex: "0e66f71edc43e42a45ad3c6fc6cdc4df"))
        drbg.reseed(entropy: [UInt8](hex: "01920a4e669ed3a85ae8a33b35a74ad7fb2a6bb4cf395ce00334a9c9a5a5d552"))
        _ = drbg.generate(128)
        #expect(drbg.generate(128).hex == """
            76fc79fe9b50beccc991a11b5635783a83536add03c157fb30645e611c2898bb2b1bc215000209208cd506cb28da2a51bdb03826\
            aaf2bd2335d576d519160842e7158ad0949d1a9ec3e66ea1b1a064b005de914eac2e9d4f2d72a8616a80225422918250ff66a41b\
            d2f864a6a38cc5b6499dc43f7f2bd09e1e0f8f5885935124
            """)
    }

    @Test func largeRequestsAreSplitAndDistinct() {
        var drbg = HMACDRBG(entropy: [UInt8](repeating: 7, count: 32))
        let bytes = drbg.generate(HMACDRBG.maxBytesPerRequest + 10)
        #expect(bytes.count == HMACDRBG.maxBytesPerRequest + 10)
        #expect(drbg.generate(32) != drbg.generate(32))
    }
}
