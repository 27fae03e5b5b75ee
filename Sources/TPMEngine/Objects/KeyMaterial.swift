// SPDX-License-Identifier: Apache-2.0

import TPMCrypto
import TPMWire

/// The usable key of an object, built once from its public and sensitive areas: the only place that turns
/// TPM structures into TPMCrypto keys.
enum KeyMaterial: Sendable {
    case rsaPrivate(RSAPrivateKey)
    case rsaPublic(RSAPublicKey)
    case eccPrivate(ECCPrivateKey)
    case eccPublic(ECCPublicKey)
    /// An AES key (SYMCIPHER).
    case symmetric([UInt8])
    /// The secret of a KEYEDHASH object: an HMAC key, an XOR parent's secret or sealed data.
    case keyedHash([UInt8])
    /// A symmetric or keyed-hash public area loaded without its secret: usable for nothing but its Name.
    case none

    /// Builds the key and checks that the two areas belong together (ms-tpm `CryptValidateKeys`):
    /// TPM_RC_TYPE when their types differ, TPM_RC_BINDING when the secret does not match the public
    /// unique value, TPM_RC_KEY_SIZE for a key of the wrong size.
    init(publicArea: TPMTPublic, sensitive: TPMTSensitive?) throws(TPMRC) {
        if let sensitive, sensitive.sensitiveType != publicArea.type { throw .type }
        switch (publicArea.details, sensitive?.sensitive) {
        case (.rsa(let parms, let unique), .rsa(let prime)?):
            guard unique.count * 8 == Int(parms.keyBits.bits), prime.count * 16 == Int(parms.keyBits.bits) else {
                throw .keySize
            }
            self = .rsaPrivate(try RSAPrivateKey(modulus: unique.buffer, prime: prime.buffer, exponent: parms.exponent))
        case (.rsa(let parms, let unique), nil):
            guard unique.count * 8 == Int(parms.keyBits.bits) else { throw .keySize }
            self = .rsaPublic(try RSAPublicKey(modulus: unique.buffer, exponent: parms.exponent))
        case (.ecc(let parms, let unique), .ecc(let scalar)?):
            let curve = try Self.curve(parms.curveID)
            guard scalar.count <= curve.keySize else { throw .keySize }
            let key = try ECCPrivateKey(curve: curve, scalar: Self.leftPadded(scalar.buffer, to: curve.keySize))
            guard key.publicPoint.x == Self.leftPadded(unique.x.buffer, to: curve.keySize),
                key.publicPoint.y == Self.leftPadded(unique.y.buffer, to: curve.keySize)
            else { throw .binding }
            self = .eccPrivate(key)
        case (.ecc(let parms, let unique), nil):
            let curve = try Self.curve(parms.curveID)
            guard unique.x.count <= curve.keySize, unique.y.count <= curve.keySize else { throw .keySize }
            let point = ECCPoint(
                x: Self.leftPadded(unique.x.buffer, to: curve.keySize),
                y: Self.leftPadded(unique.y.buffer, to: curve.keySize))
            self = .eccPublic(try ECCPublicKey(curve: curve, point: point))
        case (.symCipher(let parms, let unique), .symCipher(let key)?):
            guard key.count * 8 == Int(parms.sym.keyBits) else { throw .keySize }
            try Self.checkObfuscation(publicArea, unique: unique, seed: sensitive?.seedValue, secret: key.buffer)
            self = .symmetric(key.buffer)
        case (.keyedHash(_, let unique), .keyedHash(let data)?):
            try Self.checkObfuscation(publicArea, unique: unique, seed: sensitive?.seedValue, secret: data.buffer)
            self = .keyedHash(data.buffer)
        case (.symCipher, nil), (.keyedHash, nil):
            self = .none
        default:
            throw .type
        }
    }

    /// unique = H_nameAlg(seedValue || secret) for symmetric and keyed-hash objects (Part 1, 27.2.4).
    private static func checkObfuscation(
        _ publicArea: TPMTPublic, unique: TPM2BDigest, seed: TPM2BDigest?, secret: [UInt8]
    ) throws(TPMRC) {
        guard let nameAlg = publicArea.nameAlg else { return }
        guard TPMHash.digest(nameAlg, seed?.buffer ?? [], secret) == unique.buffer else { throw .binding }
    }

    static func curve(_ id: TPMIECCCurve) throws(TPMRC) -> ECCCurve {
        guard let curve = ECCCurve(tpmCurveID: id.curve.rawValue) else { throw .curve }
        return curve
    }

    static func leftPadded(_ bytes: [UInt8], to count: Int) -> [UInt8] {
        bytes.count >= count ? bytes : [UInt8](repeating: 0, count: count - bytes.count) + bytes
    }

    var hasPrivateKey: Bool {
        switch self {
        case .rsaPrivate, .eccPrivate, .symmetric, .keyedHash: true
        case .rsaPublic, .eccPublic, .none: false
        }
    }

    var rsaPublicKey: RSAPublicKey? {
        switch self {
        case .rsaPrivate(let key): key.publicKey
        case .rsaPublic(let key): key
        default: nil
        }
    }

    var eccPublicKey: ECCPublicKey? {
        switch self {
        case .eccPrivate(let key): key.publicKey
        case .eccPublic(let key): key
        default: nil
        }
    }
}
