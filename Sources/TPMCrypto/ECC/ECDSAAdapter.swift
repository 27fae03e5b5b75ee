// SPDX-License-Identifier: Apache-2.0

import Crypto

/// ECDSA through swift-crypto (BoringSSL on Linux) over a digest the TPM supplies, of any length.
///
/// BoringSSL reads the digest's bytes, not the `Digest` type's static size, and like OpenSSL converts them to a
/// number by keeping the leftmost bits of the order's length (SEC 1, 4.1.3 step 5): a SHA-512 digest signed with
/// P-256 uses its first 256 bits, which is also what OpenSSL's verifier and the TPM reference do.
enum ECDSAAdapter {
    /// The raw signature r || s (each `keySize` bytes), or nil when swift-crypto rejects the key.
    static func sign(curve: ECCCurve, scalar: [UInt8], digest: [UInt8]) -> [UInt8]? {
        let digest = SuppliedDigest(bytes: digest)
        switch curve {
        case .p256:
            return (try? P256.Signing.PrivateKey(rawRepresentation: scalar).signature(for: digest))
                .map { Array($0.rawRepresentation) }
        case .p384:
            return (try? P384.Signing.PrivateKey(rawRepresentation: scalar).signature(for: digest))
                .map { Array($0.rawRepresentation) }
        case .p521:
            return (try? P521.Signing.PrivateKey(rawRepresentation: scalar).signature(for: digest))
                .map { Array($0.rawRepresentation) }
        }
    }

    /// Whether r || s (each `keySize` bytes) signs `digest` for the public point x || y.
    static func verify(curve: ECCCurve, point: [UInt8], digest: [UInt8], signature: [UInt8]) -> Bool {
        let digest = SuppliedDigest(bytes: digest)
        switch curve {
        case .p256:
            guard let key = try? P256.Signing.PublicKey(rawRepresentation: point),
                let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
            else { return false }
            return key.isValidSignature(signature, for: digest)
        case .p384:
            guard let key = try? P384.Signing.PublicKey(rawRepresentation: point),
                let signature = try? P384.Signing.ECDSASignature(rawRepresentation: signature)
            else { return false }
            return key.isValidSignature(signature, for: digest)
        case .p521:
            guard let key = try? P521.Signing.PublicKey(rawRepresentation: point),
                let signature = try? P521.Signing.ECDSASignature(rawRepresentation: signature)
            else { return false }
            return key.isValidSignature(signature, for: digest)
        }
    }

    /// The public point x || y of a private scalar of `keySize` bytes.
    static func publicPoint(curve: ECCCurve, scalar: [UInt8]) -> [UInt8]? {
        switch curve {
        case .p256:
            (try? P256.Signing.PrivateKey(rawRepresentation: scalar)).map { Array($0.publicKey.rawRepresentation) }
        case .p384:
            (try? P384.Signing.PrivateKey(rawRepresentation: scalar)).map { Array($0.publicKey.rawRepresentation) }
        case .p521:
            (try? P521.Signing.PrivateKey(rawRepresentation: scalar)).map { Array($0.publicKey.rawRepresentation) }
        }
    }
}

/// Digest bytes computed elsewhere (the TPM's caller hashed the message), handed to swift-crypto as a `Digest`.
struct SuppliedDigest: Digest {
    /// Not consulted by swift-crypto's BoringSSL backend, which uses the actual byte count.
    static var byteCount: Int { 64 }

    let bytes: [UInt8]

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes(body)
    }

    func makeIterator() -> IndexingIterator<[UInt8]> {
        bytes.makeIterator()
    }

    var description: String { "SuppliedDigest(\(bytes.count) bytes)" }
}
