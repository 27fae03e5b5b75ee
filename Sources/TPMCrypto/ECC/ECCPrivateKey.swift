// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// An ECC private key on a NIST curve: ECDSA signing and ECDH — Part 1, C.x; the sensitive part of
/// TPMT_SENSITIVE (TPM2B_ECC_PARAMETER) plus its public point.
///
/// ```swift
/// let key = ECCPrivateKey.derive(curve: .p256) { count in drbg.generate(count) }
/// let (r, s) = try key.sign(digest: digest)
/// let z = try key.sharedPoint(with: peerPoint)      // full point, for TPM2_ECDH_ZGen
/// ```
public struct ECCPrivateKey: Sendable {
    public let curve: ECCCurve
    /// The private scalar d, exactly ``ECCCurve/keySize`` bytes, big-endian.
    public let scalar: [UInt8]
    /// Q = d·G, coordinates of ``ECCCurve/keySize`` bytes.
    public let publicPoint: ECCPoint

    /// Rebuilds a key from its scalar (shorter or zero-padded inputs are accepted).
    ///
    /// - Throws: ``TPMRC/value`` unless 1 ≤ d < n.
    public init(curve: ECCCurve, scalar: [UInt8]) throws(TPMRC) {
        let d = BigNum(bytes: scalar)
        guard !d.isZero, d < curve.parameters.orderValue, let padded = d.bytes(count: curve.keySize) else {
            throw .value
        }
        guard let raw = ECDSAAdapter.publicPoint(curve: curve, scalar: padded) else { throw .value }
        self.curve = curve
        self.scalar = padded
        publicPoint = ECCPoint(x: Array(raw[0..<curve.keySize]), y: Array(raw[curve.keySize...]))
    }

    /// A key drawn deterministically from a byte source — FIPS 186-4, B.4.1 ("extra random bits"), as the
    /// reference implementation's BnEccGetPrivate: c of keyBits + 64 bits, d = (c mod (n − 1)) + 1.
    ///
    /// Primary keys come from a KDFa stream keyed by the hierarchy seed, so the same stream must give the same key.
    public static func derive(curve: ECCCurve, random: (Int) -> [UInt8]) -> ECCPrivateKey {
        let bits = curve.keyBits + 64
        var bytes = random((bits + 7) / 8)
        if bits % 8 != 0, !bytes.isEmpty {
            bytes[0] &= UInt8((1 << (bits % 8)) - 1)
        }
        let orderMinusOne = curve.parameters.orderValue - .one
        let d = BigNum(bytes: bytes) % orderMinusOne + .one
        // 1 ≤ d < n holds by construction, so the init cannot throw.
        guard let key = try? ECCPrivateKey(curve: curve, scalar: d.bytes(count: curve.keySize) ?? []) else {
            preconditionFailure("B.4.1 produced a scalar outside [1, n)")
        }
        return key
    }

    /// A fresh key from `random` (an RNG or DRBG); the same construction as ``derive(curve:random:)``.
    public static func generate(curve: ECCCurve, random: (Int) -> [UInt8]) -> ECCPrivateKey {
        derive(curve: curve, random: random)
    }

    /// The public half.
    public var publicKey: ECCPublicKey {
        ECCPublicKey(checkedCurve: curve, point: publicPoint)
    }

    /// ECDSA over `digest` (any length; a longer digest is cut to the order's leftmost bits) — TPM_ALG_ECDSA.
    ///
    /// Returns r and s of ``ECCCurve/keySize`` bytes each. The nonce comes from BoringSSL's own RNG.
    /// - Throws: ``TPMRC/failure`` if swift-crypto cannot sign (it accepted the scalar when the key was built).
    public func sign(digest: [UInt8]) throws(TPMRC) -> (r: [UInt8], s: [UInt8]) {
        guard let raw = ECDSAAdapter.sign(curve: curve, scalar: scalar, digest: digest),
            raw.count == 2 * curve.keySize
        else { throw .failure }
        return (Array(raw[0..<curve.keySize]), Array(raw[curve.keySize...]))
    }

    /// The whole shared point d·P (TPM2_ECDH_ZGen returns x and y).
    ///
    /// - Throws: ``TPMRC/eccPoint`` when `peer` is not on the curve; ``TPMRC/noResult`` for the point at infinity.
    public func sharedPoint(with peer: ECCPoint) throws(TPMRC) -> ECCPoint {
        try peer.multiplied(by: scalar, curve: curve)
    }

    /// The x-coordinate of d·P, the Z that KDFe takes (salted sessions, credentials, duplication).
    public func sharedX(with peer: ECCPoint) throws(TPMRC) -> [UInt8] {
        try sharedPoint(with: peer).x
    }
}
