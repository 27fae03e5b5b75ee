// SPDX-License-Identifier: Apache-2.0

/// The NIST prime curves the TPM implements — TPM_ECC_CURVE, Part 2, 6.4; parameters from FIPS 186-4, D.1.2
/// (what TPM2_ECC_Parameters returns, as big-endian octet strings of ``keySize`` bytes).
///
/// ```swift
/// let curve = ECCCurve(tpmCurveID: 0x0003)   // .p256
/// curve.keySize                              // 32
/// ```
public enum ECCCurve: Sendable, Hashable, CaseIterable {
    case p256, p384, p521

    /// TPM_ECC_NIST_P256 (0x0003), TPM_ECC_NIST_P384 (0x0004), TPM_ECC_NIST_P521 (0x0005).
    public init?(tpmCurveID: UInt16) {
        switch tpmCurveID {
        case 0x0003: self = .p256
        case 0x0004: self = .p384
        case 0x0005: self = .p521
        default: return nil
        }
    }

    public var tpmCurveID: UInt16 {
        switch self {
        case .p256: 0x0003
        case .p384: 0x0004
        case .p521: 0x0005
        }
    }

    /// The size in bytes of a coordinate, a private scalar and each half of an ECDSA signature.
    public var keySize: Int {
        switch self {
        case .p256: 32
        case .p384: 48
        case .p521: 66
        }
    }

    /// The size in bits of the group order (and of the field).
    public var keyBits: Int {
        switch self {
        case .p256: 256
        case .p384: 384
        case .p521: 521
        }
    }

    /// The field prime p.
    public var p: [UInt8] { parameters.p }
    /// The curve coefficient a (p − 3 on every NIST curve).
    public var a: [UInt8] { parameters.a }
    /// The curve coefficient b.
    public var b: [UInt8] { parameters.b }
    /// The order n of the base point.
    public var order: [UInt8] { parameters.n }
    /// The base point's x-coordinate.
    public var gx: [UInt8] { parameters.gx }
    /// The base point's y-coordinate.
    public var gy: [UInt8] { parameters.gy }

    /// The base point G.
    public var generator: ECCPoint { ECCPoint(x: gx, y: gy) }

    var parameters: CurveParameters {
        switch self {
        case .p256: .p256
        case .p384: .p384
        case .p521: .p521
        }
    }
}

/// The constants of one curve, as bytes and as the prepared field and group arithmetic.
struct CurveParameters: Sendable {
    let p: [UInt8]
    let a: [UInt8]
    let b: [UInt8]
    let n: [UInt8]
    let gx: [UInt8]
    let gy: [UInt8]
    let field: MontgomeryContext
    let orderValue: BigNum
    /// a and b in Montgomery form.
    let aMont: [UInt64]
    let bMont: [UInt64]

    init(size: Int, p: String, b: String, n: String, gx: String, gy: String) {
        func bytes(_ hex: String) -> [UInt8] {
            let digits = Array(hex.utf8)
            let raw = stride(from: 0, to: digits.count, by: 2).map { index in
                UInt8(String(decoding: digits[index..<(index + 2)], as: UTF8.self), radix: 16) ?? 0
            }
            return [UInt8](repeating: 0, count: size - raw.count) + raw
        }
        self.p = bytes(p)
        self.b = bytes(b)
        self.n = bytes(n)
        self.gx = bytes(gx)
        self.gy = bytes(gy)
        let prime = BigNum(bytes: self.p)
        self.a = (prime - BigNum(3)).bytes(count: size) ?? []
        field = MontgomeryContext(modulus: prime)
        orderValue = BigNum(bytes: self.n)
        aMont = field.enter(BigNum(bytes: self.a))
        bMont = field.enter(BigNum(bytes: self.b))
    }

    static let p256 = CurveParameters(
        size: 32,
        p: "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
        b: "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b",
        n: "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
        gx: "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
        gy: "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5")

    static let p384 = CurveParameters(
        size: 48,
        p: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
        b: "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef",
        n: "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
        gx: "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7",
        gy: "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f")

    static let p521 = CurveParameters(
        size: 66,
        p: "01ff" + String(repeating: "ff", count: 64),
        b: "0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf07357"
            + "3df883d2c34f1ef451fd46b503f00",
        n: "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c"
            + "9b8899c47aebb6fb71e91386409",
        gx: "00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348"
            + "b3c1856a429bf97e7e31c2e5bd66",
        gy: "011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c70"
            + "86a272c24088be94769fd16650")
}
