// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// An ECC public key: a curve and a point on it — the unique field of an ECC TPMT_PUBLIC (Part 2, 12.2.3.2).
public struct ECCPublicKey: Sendable, Hashable {
    public let curve: ECCCurve
    /// The point, coordinates of exactly ``ECCCurve/keySize`` bytes.
    public let point: ECCPoint

    /// - Throws: ``TPMRC/eccPoint`` when the point is not on the curve.
    public init(curve: ECCCurve, point: ECCPoint) throws(TPMRC) {
        guard point.isOnCurve(curve), let normalized = point.normalized(size: curve.keySize) else {
            throw .eccPoint
        }
        self.curve = curve
        self.point = normalized
    }

    init(checkedCurve curve: ECCCurve, point: ECCPoint) {
        self.curve = curve
        self.point = point
    }

    /// Whether (r, s) is an ECDSA signature of `digest` under this key. r and s may be shorter than the key
    /// size (leading zeros dropped) but not longer.
    public func verify(digest: [UInt8], r: [UInt8], s: [UInt8]) -> Bool {
        guard let rBytes = BigNum(bytes: r).bytes(count: curve.keySize),
            let sBytes = BigNum(bytes: s).bytes(count: curve.keySize)
        else { return false }
        return ECDSAAdapter.verify(
            curve: curve, point: point.x + point.y, digest: digest, signature: rBytes + sBytes)
    }
}
