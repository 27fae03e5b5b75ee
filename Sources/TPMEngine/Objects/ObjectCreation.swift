// SPDX-License-Identifier: Apache-2.0

import TPMCrypto
import TPMWire

/// Making the secret of a new object from a template (ms-tpm `CreateChecks` and `CryptCreateObject`).
enum ObjectCreation {
    /// The rules that apply only when the TPM creates an object (Part 3, 12.1: TPM_RC_ATTRIBUTES for
    /// parameter inPublic), on top of ``PublicAreaChecks``.
    static func checkCreation(_ template: TPMTPublic, dataSize: Int) throws(TPMRC) {
        let attributes = template.objectAttributes
        let sensitiveDataOrigin = attributes.contains(.sensitiveDataOrigin)
        switch template.type {
        case .keyedHash, .symCipher:
            if template.type == .keyedHash, !attributes.contains(.signEncrypt), !attributes.contains(.decrypt),
                sensitiveDataOrigin
            {
                // A sealed data object holds the caller's data; the TPM cannot be its source.
                throw .attributes
            }
            if attributes.contains(.restricted), !sensitiveDataOrigin,
                attributes.contains(.fixedParent) || attributes.contains(.fixedTPM)
            {
                throw .attributes
            }
        default:
            // The TPM makes every asymmetric key itself.
            guard sensitiveDataOrigin else { throw .attributes }
        }
        guard !(sensitiveDataOrigin && dataSize != 0) else { throw .attributes }
    }

    /// What creating one object needs besides its template.
    struct Sources {
        /// Every byte the new object's secret and seed are made from: a DRBG seeded from the hierarchy seed for
        /// a primary object (so the same template always gives the same key), the TPM's RNG otherwise.
        var random: (Int) -> [UInt8]
        /// Ready-made RSA keys (ordinary objects only): nil means generate now from `random`.
        var rsaKey: ((_ bits: Int, _ exponent: UInt32) -> RSAPrivateKey?)?
    }

    /// Creates the secret for `template` and returns the public area with its unique value filled in.
    ///
    /// - TPM_RC_KEY_SIZE (parameter 1): a caller-supplied symmetric key of the wrong size.
    /// - TPM_RC_SIZE (parameter 1): caller-supplied keyed-hash data larger than the hash's block.
    static func make(
        _ template: TPMTPublic, sensitive create: TPMSSensitiveCreate, sources: Sources
    ) throws(TPMRC) -> (TPMTPublic, TPMTSensitive, KeyMaterial) {
        guard let nameAlg = template.nameAlg else { throw TPMRC.hash.atParameter(2) }
        var publicArea = template
        let attributes = template.objectAttributes
        let isParent = attributes.contains(.restricted) && attributes.contains(.decrypt)
        let secret: TPMUSensitiveComposite
        let material: KeyMaterial
        var seed: [UInt8] = []
        switch template.details {
        case .rsa(let parms, _):
            let bits = Int(parms.keyBits.bits)
            let key: RSAPrivateKey
            if let ready = sources.rsaKey?(bits, parms.exponent) {
                key = ready
            } else {
                key = try RSAPrivateKey.generate(bits: bits, exponent: parms.exponent, random: sources.random)
            }
            if isParent { seed = sources.random(nameAlg.digestSize) }
            publicArea.details = .rsa(parms, unique: try TPM2BPublicKeyRSA(key.modulus))
            secret = .rsa(try TPM2BPrivateKeyRSA(key.prime))
            material = .rsaPrivate(key)
        case .ecc(let parms, _):
            let curve = try KeyMaterial.curve(parms.curveID)
            let key = ECCPrivateKey.derive(curve: curve, random: sources.random)
            if isParent { seed = sources.random(nameAlg.digestSize) }
            let point = TPMSECCPoint(
                x: try TPM2BECCParameter(key.publicPoint.x), y: try TPM2BECCParameter(key.publicPoint.y))
            publicArea.details = .ecc(parms, unique: point)
            secret = .ecc(try TPM2BECCParameter(key.scalar))
            material = .eccPrivate(key)
        case .symCipher(let parms, _):
            let size = Int(parms.sym.keyBits) / 8
            var key = create.data.buffer
            if key.isEmpty {
                key = sources.random(size)
            } else {
                guard key.count == size else { throw TPMRC.keySize.atParameter(1) }
            }
            seed = sources.random(nameAlg.digestSize)
            publicArea.details = .symCipher(parms, unique: try TPM2BDigest(TPMHash.digest(nameAlg, seed, key)))
            secret = .symCipher(try TPM2BSymKey(key))
            material = .symmetric(key)
        case .keyedHash(let parms, _):
            var data = create.data.buffer
            if data.isEmpty && attributes.contains(.sensitiveDataOrigin) {
                let hash: TPMIAlgHash =
                    switch parms.scheme {
                    case .hmac(let details)?: details.hashAlg
                    case .xor(let details)?: details.hashAlg
                    case nil: nameAlg
                    }
                data = sources.random(hash.digestSize)
            }
            seed = sources.random(nameAlg.digestSize)
            publicArea.details = .keyedHash(parms, unique: try TPM2BDigest(TPMHash.digest(nameAlg, seed, data)))
            secret = .keyedHash(try TPM2BSensitiveData(data))
            material = .keyedHash(data)
        }
        let sensitive = TPMTSensitive(
            authValue: create.userAuth, seedValue: try TPM2BDigest(seed), sensitive: secret)
        return (publicArea, sensitive, material)
    }
}
