// SPDX-License-Identifier: Apache-2.0

import Testing

@testable import TPMCrypto

/// BigNum and Montgomery arithmetic checked against values computed with Python's integers.
@Suite struct BigNumTests {
    static let a = BigNum(bytes: [UInt8](hex: "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721ab"))
    static let b = BigNum(bytes: [UInt8](hex: "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"))

    @Test func bytesRoundTrip() {
        #expect(Self.a.bytes.hex == "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721ab")
        #expect(BigNum(bytes: [0, 0, 1, 2]).bytes(count: 4)?.hex == "00000102")
        #expect(BigNum(bytes: [1, 2, 3]).bytes(count: 2) == nil)
        #expect(BigNum(bytes: []).isZero && BigNum.zero.bytes(count: 3) == [0, 0, 0])
        #expect(Self.a.bitWidth == 264)
    }

    @Test func arithmetic() {
        // Python: hex(a + b)
        #expect((Self.a + Self.b).bytes.hex == "caafa9d844ba75166c5c215767b1d6934e0daad5e48fb2b1007e1bf5d50bca46fc")
        let (q, r) = Self.a.quotientAndRemainder(dividingBy: Self.b)
        #expect(q * Self.b + r == Self.a)
        #expect(r < Self.b)
        #expect(Self.a - Self.b + Self.b == Self.a)
        #expect((Self.a << 77) >> 77 == Self.a)
        #expect((Self.a * Self.b) / Self.b == Self.a)
        #expect((Self.a * Self.b) % Self.a == .zero)
    }

    @Test func inverseAndGCD() throws {
        let inverse = try #require(Self.a.inverse(modulo: Self.b))
        #expect((Self.a * inverse) % Self.b == .one)
        #expect(BigNum.gcd(BigNum(12), BigNum(18)) == BigNum(6))
        #expect(BigNum(6).inverse(modulo: BigNum(9)) == nil)
        #expect(BigNum(3).inverse(modulo: BigNum(65537 * 4)) != nil)
    }

    /// Montgomery exponentiation against Fermat's little theorem and plain square-and-multiply.
    @Test func modularExponentiation() {
        let p = BigNum(bytes: [UInt8](hex: "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff"))
        // Fermat: a^(p-1) = 1 mod p for prime p, and the Montgomery path agrees with the division path.
        #expect(Self.a.power(p - .one, modulus: p) == .one)
        let odd = Self.b + BigNum(2)
        let even = Self.b + .one
        let x = Self.a.power(Self.b, modulus: odd)
        var expected = BigNum.one
        for index in stride(from: Self.b.bitWidth - 1, through: 0, by: -1) {
            expected = (expected * expected) % odd
            if Self.b.bit(index) {
                expected = (expected * Self.a) % odd
            }
        }
        #expect(x == expected)
        #expect(Self.a.power(BigNum(2), modulus: even) == (Self.a * Self.a) % even)
    }
}
