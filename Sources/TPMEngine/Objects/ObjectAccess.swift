// SPDX-License-Identifier: Apache-2.0

import TPMCrypto
import TPMWire

extension TPMEngine {
    /// The key or data object at handle `number` of the handle area (the pipeline has checked it is loaded);
    /// TPM_RC_TYPE for a sequence object where a key is needed.
    func key(at handle: TPMHandle, number: Int) throws(TPMRC) -> (object: LoadedObject, key: KeyObject) {
        guard let object = objects[handle] else { throw .referenceHandle(number - 1) }
        guard let key = object.key else { throw TPMRC.type.atHandle(number) }
        return (object, key)
    }

    /// The primary seed of a hierarchy (Part 1, 14.3); the null hierarchy's changes at every TPM Reset.
    func primarySeed(_ hierarchy: TPMHandle) -> [UInt8] {
        switch hierarchy {
        case .endorsement: permanent.endorsementSeed
        case .platform: permanent.platformSeed
        case .null: stateReset.nullSeed
        default: permanent.storageSeed
        }
    }

    /// Byte sources for an ordinary (non-primary) object: a DRBG seeded from the TPM's RNG, and the
    /// platform's ready-made RSA keys.
    mutating func ordinaryCreationSources() -> (drbg: CTRDRBG, rsaKey: ((Int, UInt32) -> RSAPrivateKey?)?) {
        let drbg = CTRDRBG(entropy: random(CTRDRBG.seedLength), personalization: Array("ordinary object".utf8))
        let pool = platform.rsaKeyPool
        return (drbg, pool.map { pool in { bits, exponent in pool.takeKey(bits: bits, exponent: exponent) } })
    }

    /// Creates an object under a storage parent (Create, CreateLoaded): checks, secret, and its protected
    /// private area.
    mutating func createOrdinary(
        template: TPMTPublic, sensitive: TPMSSensitiveCreate, parent: KeyObject
    ) throws(TPMRC) -> (KeyObject, TPM2BPrivate) {
        try Self.checkCreateRequest(template: template, sensitive: sensitive, parent: parent.publicArea)
        let wrap = try OuterWrap(parent: parent)
        var (drbg, rsaKey) = ordinaryCreationSources()
        let (publicArea, secret, material) = try ObjectCreation.make(
            template, sensitive: sensitive,
            sources: ObjectCreation.Sources(random: { drbg.generate($0) }, rsaKey: rsaKey))
        let object = try KeyObject(
            publicArea: publicArea, sensitive: secret, parentQualifiedName: parent.qualifiedName, material: material)
        return (object, try wrap.protect(secret, name: object.name))
    }

    /// Creates a primary object from the hierarchy's seed (Part 1, 28.3 and Part 3, 24.1): a DRBG seeded with
    /// KDFa(nameAlg, seed, "Primary Object Creation", H(template), sensitive data), so the same template and
    /// data always give the same object until the seed changes.
    mutating func createPrimary(
        template: TPMTPublic, sensitive: TPMSSensitiveCreate, hierarchy: TPMHandle
    ) throws(TPMRC) -> KeyObject {
        try Self.checkCreateRequest(template: template, sensitive: sensitive, parent: nil)
        guard let nameAlg = template.nameAlg else { throw TPMRC.hash.atParameter(2) }
        let entropy = KDF.kdfa(
            nameAlg, key: primarySeed(hierarchy), label: "Primary Object Creation",
            contextU: TPMHash.digest(nameAlg, template.marshalled()), contextV: sensitive.data.buffer,
            bits: CTRDRBG.seedLength * 8)
        var drbg = CTRDRBG(entropy: entropy)
        let (publicArea, secret, material) = try ObjectCreation.make(
            template, sensitive: sensitive, sources: ObjectCreation.Sources(random: { drbg.generate($0) }, rsaKey: nil))
        return try KeyObject(
            publicArea: publicArea, sensitive: secret, parentQualifiedName: hierarchy.marshalled(), material: material)
    }

    /// The checks Create, CreatePrimary and CreateLoaded share: userAuth no longer than a nameAlg digest
    /// (TPM_RC_SIZE, parameter 1) and a consistent template (parameter 2).
    static func checkCreateRequest(
        template: TPMTPublic, sensitive: TPMSSensitiveCreate, parent: TPMTPublic?
    ) throws(TPMRC) {
        guard let nameAlg = template.nameAlg else { throw TPMRC.hash.atParameter(2) }
        guard sensitive.userAuth.buffer.withoutTrailingZeros.count <= nameAlg.digestSize else {
            throw TPMRC.size.atParameter(1)
        }
        do throws(TPMRC) {
            try ObjectCreation.checkCreation(template, dataSize: sensitive.data.count)
            try PublicAreaChecks.check(template, parent: parent)
        } catch {
            throw error.atParameter(2)
        }
    }
}
