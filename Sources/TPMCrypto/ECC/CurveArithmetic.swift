// SPDX-License-Identifier: Apache-2.0

/// Point arithmetic on y² = x³ + ax + b over the curve's prime field, in Jacobian coordinates
/// (x = X/Z², y = Y/Z³; Z = 0 is the point at infinity) with every coordinate in Montgomery form.
///
/// swift-crypto's key agreement returns only the x-coordinate of d·Q, while the TPM returns the whole point
/// (TPM2_ECDH_ZGen, TPM2_ECDH_KeyGen), so the multiplication is ours. It favours clarity over speed (a P-256
/// multiplication takes about a millisecond) and does not run in constant time.
struct CurveArithmetic {
    struct Jacobian {
        var x: [UInt64]
        var y: [UInt64]
        var z: [UInt64]
    }

    let parameters: CurveParameters
    var field: MontgomeryContext { parameters.field }

    init(_ curve: ECCCurve) {
        parameters = curve.parameters
    }

    var infinity: Jacobian {
        let zero = [UInt64](repeating: 0, count: field.limbCount)
        return Jacobian(x: field.one, y: field.one, z: zero)
    }

    func isInfinity(_ point: Jacobian) -> Bool {
        point.z.allSatisfy { $0 == 0 }
    }

    /// The affine point as Montgomery-form Jacobian coordinates, or nil when a coordinate is not below p.
    func lift(_ point: ECCPoint) -> Jacobian? {
        let x = BigNum(bytes: point.x)
        let y = BigNum(bytes: point.y)
        guard x < field.modulus, y < field.modulus else { return nil }
        return Jacobian(x: field.enter(x), y: field.enter(y), z: field.one)
    }

    /// y² = x³ + ax + b for a lifted (Z = 1) point.
    func satisfiesEquation(_ point: Jacobian) -> Bool {
        let left = field.multiply(point.y, point.y)
        let xSquared = field.multiply(point.x, point.x)
        var right = field.multiply(xSquared, point.x)
        right = field.add(right, field.multiply(parameters.aMont, point.x))
        right = field.add(right, parameters.bMont)
        return left == right
    }

    /// The affine coordinates as big-endian octet strings of `size` bytes; nil for the point at infinity.
    func affine(_ point: Jacobian, size: Int) -> ECCPoint? {
        guard !isInfinity(point) else { return nil }
        let exponent = field.modulus - BigNum(2)
        let zInverse = field.powerMontgomery(point.z, exponent)
        let zInverse2 = field.multiply(zInverse, zInverse)
        let zInverse3 = field.multiply(zInverse2, zInverse)
        let x = field.leave(field.multiply(point.x, zInverse2))
        let y = field.leave(field.multiply(point.y, zInverse3))
        guard let xBytes = x.bytes(count: size), let yBytes = y.bytes(count: size) else { return nil }
        return ECCPoint(x: xBytes, y: yBytes)
    }

    func double(_ point: Jacobian) -> Jacobian {
        if isInfinity(point) || point.y.allSatisfy({ $0 == 0 }) {
            return infinity
        }
        let xx = field.multiply(point.x, point.x)
        let yy = field.multiply(point.y, point.y)
        let yyyy = field.multiply(yy, yy)
        let zz = field.multiply(point.z, point.z)
        // S = 4·X·Y², M = 3·X² + a·Z⁴
        let xyy = field.multiply(point.x, yy)
        let s = times(4, xyy)
        let m = field.add(times(3, xx), field.multiply(parameters.aMont, field.multiply(zz, zz)))
        let x3 = field.subtract(field.multiply(m, m), field.add(s, s))
        let y3 = field.subtract(field.multiply(m, field.subtract(s, x3)), times(8, yyyy))
        let yz = field.multiply(point.y, point.z)
        return Jacobian(x: x3, y: y3, z: field.add(yz, yz))
    }

    func add(_ p: Jacobian, _ q: Jacobian) -> Jacobian {
        if isInfinity(p) {
            return q
        }
        if isInfinity(q) {
            return p
        }
        let z1z1 = field.multiply(p.z, p.z)
        let z2z2 = field.multiply(q.z, q.z)
        let u1 = field.multiply(p.x, z2z2)
        let u2 = field.multiply(q.x, z1z1)
        let s1 = field.multiply(p.y, field.multiply(q.z, z2z2))
        let s2 = field.multiply(q.y, field.multiply(p.z, z1z1))
        if u1 == u2 {
            return s1 == s2 ? double(p) : infinity
        }
        let h = field.subtract(u2, u1)
        let r = field.subtract(s2, s1)
        let hh = field.multiply(h, h)
        let hhh = field.multiply(h, hh)
        let v = field.multiply(u1, hh)
        let x3 = field.subtract(field.subtract(field.multiply(r, r), hhh), field.add(v, v))
        let y3 = field.subtract(field.multiply(r, field.subtract(v, x3)), field.multiply(s1, hhh))
        let z3 = field.multiply(field.multiply(p.z, q.z), h)
        return Jacobian(x: x3, y: y3, z: z3)
    }

    /// scalar·point, left to right over the scalar's bits with a 4-bit window.
    func multiply(_ point: Jacobian, by scalar: BigNum) -> Jacobian {
        var table = [infinity, point]
        for index in 2..<16 {
            table.append(add(table[index - 1], point))
        }
        var result = infinity
        var window = (scalar.bitWidth + 3) / 4 - 1
        while window >= 0 {
            for _ in 0..<4 {
                result = double(result)
            }
            let limb = scalar.limbs[(window * 4) / 64]
            let digit = Int((limb >> UInt64((window * 4) % 64)) & 0xF)
            if digit != 0 {
                result = add(result, table[digit])
            }
            window -= 1
        }
        return result
    }

    private func times(_ factor: Int, _ value: [UInt64]) -> [UInt64] {
        var result = value
        for _ in 1..<factor {
            result = field.add(result, value)
        }
        return result
    }
}
