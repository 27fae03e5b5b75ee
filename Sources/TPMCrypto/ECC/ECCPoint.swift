// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// A point on a curve — TPMS_ECC_POINT, Part 2, 11.2.5.2: big-endian coordinates.
///
/// Points this module produces have coordinates of exactly ``ECCCurve/keySize`` bytes, leading zeros kept;
/// points it accepts may have shorter or zero-padded coordinates (TPM2B_ECC_PARAMETER sizes vary).
public struct ECCPoint: Sendable, Hashable {
    public var x: [UInt8]
    public var y: [UInt8]

    public init(x: [UInt8], y: [UInt8]) {
        self.x = x
        self.y = y
    }

    /// Whether both coordinates are below p and y² = x³ + ax + b.
    public func isOnCurve(_ curve: ECCCurve) -> Bool {
        let arithmetic = CurveArithmetic(curve)
        guard let lifted = arithmetic.lift(self) else { return false }
        return arithmetic.satisfiesEquation(lifted)
    }

    /// `scalar`·self (TPM2_ECDH_ZGen's point multiplication, CryptEccPointMultiply's role).
    ///
    /// - Throws: ``TPMRC/eccPoint`` when the point is not on `curve`; ``TPMRC/value`` when the scalar is not
    ///   below the order n; ``TPMRC/noResult`` when the product is the point at infinity.
    public func multiplied(by scalar: [UInt8], curve: ECCCurve) throws(TPMRC) -> ECCPoint {
        let arithmetic = CurveArithmetic(curve)
        guard let lifted = arithmetic.lift(self), arithmetic.satisfiesEquation(lifted) else { throw .eccPoint }
        let k = BigNum(bytes: scalar)
        guard k < arithmetic.parameters.orderValue else { throw .value }
        let product = arithmetic.multiply(lifted, by: k)
        guard let result = arithmetic.affine(product, size: curve.keySize) else { throw .noResult }
        return result
    }

    /// The same coordinates as exactly `size` bytes each, or nil when a value does not fit.
    func normalized(size: Int) -> ECCPoint? {
        guard let x = BigNum(bytes: x).bytes(count: size), let y = BigNum(bytes: y).bytes(count: size) else {
            return nil
        }
        return ECCPoint(x: x, y: y)
    }
}
