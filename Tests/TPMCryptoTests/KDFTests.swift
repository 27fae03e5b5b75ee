// SPDX-License-Identifier: Apache-2.0

import TPMCrypto
import TPMWire
import Testing

/// KDFa known answers from an independent oracle: Python `cryptography` 48's KBKDFHMAC (SP 800-108 counter
/// mode, 32-bit counter before the fixed data, 32-bit length), with fixed data label || 0x00 || contextU ||
/// contextV, and the unused high bits of the first octet cleared as Part 1, 11.4.10.2 requires. For a
/// length that is not a whole number of octets the fixed data (ending in the length in bits) was given to
/// KBKDFHMAC explicitly, since it would otherwise encode the rounded-up length.
@Suite struct KDFaTests {
    @Test func sessionKeyShape() {
        let key = KDF.kdfa(
            .sha256, key: Array(0..<32), label: "ATH", contextU: [UInt8](repeating: 0xAA, count: 16),
            contextV: [UInt8](repeating: 0xBB, count: 16), bits: 256)
        #expect(key.hex == "15ad5cd3f0d8b734a9350138ff782ffe62c0eecbaa908f3035c3d9ced21ac7e0")
    }

    @Test func shortOutputWithEmptyContexts() {
        #expect(
            KDF.kdfa(.sha1, key: Array("secret".utf8), label: "STORAGE", contextU: [], contextV: [], bits: 128).hex
                == "32378204f59efb20423660cfe836412b")
    }

    @Test func severalBlocks() {
        let output = KDF.kdfa(.sha384, key: Array(0..<48), label: "XOR", contextU: [1, 2], contextV: [3], bits: 600)
        #expect(
            output.hex == """
                7a86c47de6ca31ece9841be9cb337a91ffe5603f6254d2f5a8cc37fa58eba6d82772ea0fa922ba3ff00d698a7edef2d8\
                1817398804f560dbea9aa3d5dd6c3cf2b078db482e7160a71d1742
                """)
    }

    @Test func bitsNotMultipleOfEight() {
        let output = KDF.kdfa(
            .sha512, key: Array("k".utf8), label: "INTEGRITY", contextU: [UInt8](repeating: 0, count: 64),
            contextV: [], bits: 12)
        #expect(output.hex == "08af")
    }
}
