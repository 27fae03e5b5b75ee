// SPDX-License-Identifier: Apache-2.0

import TPMWire
import Testing

@testable import TPMCrypto

/// ECC known answers. ECDSA: RFC 6979 A.2.5 (P-256) and A.2.6 (P-384), SHA-256 over "sample"; their public keys
/// and the P-521 public key were recomputed with Python `cryptography` 48 (`ec.derive_private_key`), which also
/// verified both RFC signatures. ECDH: NIST CAVS "ECC CDH Primitive" P-256 COUNT = 0; the y-coordinate of the
/// shared point was computed with a short affine double-and-add in Python, whose x matches the vector's ZIUT.
@Suite struct ECCTests {
    static let sampleDigest = [UInt8](hex: "af2bdbe1aa9b6ec1e2ade1d694f41fc71a831d0268e9891562113d8a62add1bf")

    static let rfc6979: [(ECCCurve, String, String, String, String, String)] = [
        (
            .p256, "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721",
            "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6",
            "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299",
            "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716",
            "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8"
        ),
        (
            .p384,
            "6b9d3dad2e1b8c1c05b19875b6659f4de23c3b667bf297ba9aa47740787137d896d5724e4c70a825f872c9ea60d2edf5",
            "ec3a4e415b4e19a4568618029f427fa5da9a8bc4ae92e02e06aae5286b300c64def8f0ea9055866064a254515480bc13",
            "8015d9b72d7d57244ea8ef9ac0c621896708a59367f9dfb9f54ca84b3f1c9db1288b231c3ae0d4fe7344fd2533264720",
            "21b13d1e013c7fa1392d03c5f99af8b30c570c6f98d4ea8e354b63a21d3daa33bde1e888e63355d92fa2b3c36d8fb2cd",
            "f3aa443fb107745bf4bd77cb3891674632068a10ca67e3d45db2266fa7d1feebefdc63eccd1ac42ec0cb8668a4fa0ab0"
        ),
    ]

    @Test(arguments: rfc6979)
    func rfc6979Vectors(_ curve: ECCCurve, _ d: String, _ qx: String, _ qy: String, _ r: String, _ s: String) throws {
        let key = try ECCPrivateKey(curve: curve, scalar: [UInt8](hex: d))
        #expect(key.publicPoint.x.hex == qx && key.publicPoint.y.hex == qy)
        // Our own point multiplication agrees with swift-crypto's public key.
        let product = try curve.generator.multiplied(by: [UInt8](hex: d), curve: curve)
        #expect(product == key.publicPoint)
        let publicKey = try ECCPublicKey(curve: curve, point: ECCPoint(x: [UInt8](hex: qx), y: [UInt8](hex: qy)))
        #expect(publicKey.verify(digest: Self.sampleDigest, r: [UInt8](hex: r), s: [UInt8](hex: s)))
        var tampered = [UInt8](hex: s)
        tampered[5] ^= 1
        #expect(!publicKey.verify(digest: Self.sampleDigest, r: [UInt8](hex: r), s: tampered))
    }

    @Test func p521PublicKey() throws {
        let d = [UInt8](hex: "01") + Array(1...65)
        let key = try ECCPrivateKey(curve: .p521, scalar: d)
        #expect(
            key.publicPoint.x.hex
                == "0169dfe3a6b35ac06187e16c13901ac04cf88d14e10a33a19cb6b0887ec4b8fd2022892fbbcb9a94e12e3dd76a4f10c6aef22a71270dd66328b836a5940b42473e6f"
        )
        #expect(
            key.publicPoint.y.hex
                == "01aa4e89b47e8f30e953548b6193f821ff15d030d5d2e80247757bd7a2fd449dc692aa6d430091c8086367e2320e3bce88257c398321a81f264b173b9420cce0dac9"
        )
        #expect(try ECCCurve.p521.generator.multiplied(by: d, curve: .p521) == key.publicPoint)
    }

    @Test func cavsECDHPrimitive() throws {
        let key = try ECCPrivateKey(
            curve: .p256, scalar: [UInt8](hex: "7d7dc5f71eb29ddaf80d6214632eeae03d9058af1fb6d22ed80badb62bc1a534"))
        #expect(key.publicPoint.x.hex == "ead218590119e8876b29146ff89ca61770c4edbbf97d38ce385ed281d8a6b230")
        #expect(key.publicPoint.y.hex == "28af61281fd35e2fa7002523acc85a429cb06ee6648325389f59edfce1405141")
        let peer = ECCPoint(
            x: [UInt8](hex: "700c48f77f56584c5cc632ca65640db91b6bacce3a4df6b42ce7cc838833d287"),
            y: [UInt8](hex: "db71e509e3fd9b060ddb20ba5c51dcc5948d46fbf640dfe0441782cab85fa4ac"))
        let shared = try key.sharedPoint(with: peer)
        #expect(shared.x.hex == "46fc62106420ff012e54a434fbdd2d25ccc5852060561e68040dd7778997bd7b")
        #expect(shared.y.hex == "c553079d5a6b963c42f013ceb53c9715144bfb52d700d015387e4fae2918a9cd")
        #expect(try key.sharedX(with: peer) == shared.x)
    }

    @Test(arguments: ECCCurve.allCases)
    func curveConstants(_ curve: ECCCurve) throws {
        #expect(ECCCurve(tpmCurveID: curve.tpmCurveID) == curve)
        #expect(curve.generator.isOnCurve(curve))
        for field in [curve.p, curve.a, curve.b, curve.order, curve.gx, curve.gy] {
            #expect(field.count == curve.keySize)
        }
        // (n − 1)·G = −G: the order is right.
        let minusOne = (BigNum(bytes: curve.order) - .one).bytes(count: curve.keySize)!
        let negated = try curve.generator.multiplied(by: minusOne, curve: curve)
        #expect(negated.x == curve.gx)
        #expect(BigNum(bytes: negated.y) + BigNum(bytes: curve.gy) == BigNum(bytes: curve.p))
        #expect(throws: TPMRC.value) { try curve.generator.multiplied(by: curve.order, curve: curve) }
        #expect(throws: TPMRC.noResult) { try curve.generator.multiplied(by: [0], curve: curve) }
    }

    @Test(arguments: ECCCurve.allCases)
    func signVerifyRoundTrip(_ curve: ECCCurve) throws {
        var counter: UInt8 = 0
        let key = ECCPrivateKey.generate(curve: curve) { count in
            (0..<count).map { _ in
                counter &+= 37
                return counter
            }
        }
        for digestSize in [20, 32, 48, 64] {
            let digest = [UInt8](repeating: 0x5A, count: digestSize - 1) + [UInt8(digestSize)]
            let (r, s) = try key.sign(digest: digest)
            #expect(r.count == curve.keySize && s.count == curve.keySize)
            #expect(key.publicKey.verify(digest: digest, r: r, s: s))
            #expect(!key.publicKey.verify(digest: digest.reversed(), r: r, s: s))
        }
    }

    /// The same stream gives the same key; expected d = (c mod (n − 1)) + 1 computed with Python integers.
    @Test func deriveIsDeterministic() throws {
        let stream = (0..<40).map { UInt8(($0 * 7 + 3) % 256) }
        var requested: [Int] = []
        let key = ECCPrivateKey.derive(curve: .p256) { count in
            requested.append(count)
            return Array(stream.prefix(count))
        }
        #expect(requested == [40])
        #expect(key.scalar.hex == "5a687684352e27207446700db881bf3699df64f7aea6393ffbad39ea6f8d9955")
        let again = ECCPrivateKey.derive(curve: .p256) { Array(stream.prefix($0)) }
        #expect(again.scalar == key.scalar && again.publicPoint == key.publicPoint)
    }

    @Test func invalidInputs() throws {
        #expect(throws: TPMRC.value) { try ECCPrivateKey(curve: .p256, scalar: [0]) }
        #expect(throws: TPMRC.value) { try ECCPrivateKey(curve: .p256, scalar: ECCCurve.p256.order) }
        let offCurve = ECCPoint(x: ECCCurve.p256.gx, y: ECCCurve.p256.gx)
        #expect(!offCurve.isOnCurve(.p256))
        #expect(throws: TPMRC.eccPoint) { try ECCPublicKey(curve: .p256, point: offCurve) }
        let key = try ECCPrivateKey(curve: .p256, scalar: [7])
        #expect(throws: TPMRC.eccPoint) { try key.sharedPoint(with: offCurve) }
        #expect(key.scalar.count == 32 && key.scalar.last == 7)
    }
}
