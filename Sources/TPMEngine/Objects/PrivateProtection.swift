// SPDX-License-Identifier: Apache-2.0

import TPMCrypto
import TPMWire

/// Protection of an object's private area under its parent — Part 1, 23 (storage hierarchy) and 22.4
/// (symmetric protection and integrity of the outer wrapper).
///
/// TPM2B_PRIVATE = TPM2B_DIGEST(outerHMAC) || CFB(symKey, IV = 0, u16 size || TPMT_SENSITIVE), where
/// symKey = KDFa(nameAlg, seed, "STORAGE", Name, ∅, keyBits), hmacKey = KDFa(nameAlg, seed, "INTEGRITY", ∅, ∅,
/// digest bits) and outerHMAC = HMAC(hmacKey, encrypted sensitive || Name). `seed` is the parent's seedValue for
/// storage, or the duplication seed when an object is duplicated.
struct OuterWrap {
    let nameAlg: TPMIAlgHash
    let seed: [UInt8]
    let symmetric: TPMTSymDefObject?

    /// The wrap a storage parent gives its children.
    init(parent: KeyObject) throws(TPMRC) {
        guard parent.isStorageParent, let nameAlg = parent.nameAlg, let sensitive = parent.sensitive else {
            throw .type
        }
        self.init(nameAlg: nameAlg, seed: sensitive.seedValue.buffer, symmetric: parent.protectionSymmetric)
    }

    init(nameAlg: TPMIAlgHash, seed: [UInt8], symmetric: TPMTSymDefObject?) {
        self.nameAlg = nameAlg
        self.seed = seed
        self.symmetric = symmetric
    }

    /// Encrypts (when there is a symmetric algorithm) and adds the integrity HMAC.
    func wrap(_ inner: [UInt8], name: [UInt8]) -> [UInt8] {
        let encrypted = symmetric.map { encrypt(inner, name: name, symmetric: $0) } ?? inner
        let integrity = TPMHash.hmac(nameAlg, key: hmacKey, encrypted + name)
        var writer = TPMWriter(capacity: 2 + integrity.count + encrypted.count)
        writer.writeInteger(UInt16(integrity.count))
        writer.writeBytes(integrity)
        writer.writeBytes(encrypted)
        return writer.bytes
    }

    /// Checks the integrity HMAC, then decrypts. TPM_RC_INTEGRITY for any change to the blob or a wrong
    /// parent or Name; TPM_RC_SIZE when the integrity digest's size is not the hash's.
    func unwrap(_ blob: [UInt8], name: [UInt8]) throws(TPMRC) -> [UInt8] {
        var reader = TPMReader(blob)
        let size = Int(try reader.readInteger(as: UInt16.self))
        guard size == nameAlg.digestSize, reader.remaining >= size else { throw .size }
        let integrity = try reader.readBytes(count: size)
        let encrypted = Array(reader.peekRemaining())
        guard SessionHMAC.equal(integrity, TPMHash.hmac(nameAlg, key: hmacKey, encrypted + name)) else {
            throw .integrity
        }
        guard let symmetric else { return encrypted }
        return decrypt(encrypted, name: name, symmetric: symmetric)
    }

    private var hmacKey: [UInt8] {
        KDF.kdfa(nameAlg, key: seed, label: "INTEGRITY", contextU: [], contextV: [], bits: nameAlg.digestSize * 8)
    }

    private func symmetricKey(name: [UInt8], symmetric: TPMTSymDefObject) -> [UInt8] {
        KDF.kdfa(nameAlg, key: seed, label: "STORAGE", contextU: name, contextV: [], bits: Int(symmetric.keyBits))
    }

    private static let zeroIV = [UInt8](repeating: 0, count: 16)

    private func encrypt(_ data: [UInt8], name: [UInt8], symmetric: TPMTSymDefObject) -> [UInt8] {
        // The key size comes from a checked TPMT_SYM_DEF_OBJECT and CFB takes any length: this cannot fail.
        (try? SymmetricCipher.encrypt(
            data, key: symmetricKey(name: name, symmetric: symmetric), iv: Self.zeroIV, mode: .cfb
        ).output)
            ?? []
    }

    private func decrypt(_ data: [UInt8], name: [UInt8], symmetric: TPMTSymDefObject) -> [UInt8] {
        (try? SymmetricCipher.decrypt(
            data, key: symmetricKey(name: name, symmetric: symmetric), iv: Self.zeroIV, mode: .cfb
        ).output)
            ?? []
    }
}

extension OuterWrap {
    /// A child's TPM2B_PRIVATE under this wrap: the sensitive area as a TPM2B, protected.
    func protect(_ sensitive: TPMTSensitive, name: [UInt8]) throws(TPMRC) -> TPM2BPrivate {
        try TPM2BPrivate(wrap(TPM2BSensitive(sensitive).marshalled(), name: name))
    }

    /// The sensitive area in a TPM2B_PRIVATE: TPM_RC_INTEGRITY if the blob was changed or belongs to another
    /// parent or public area; TPM_RC_SENSITIVE if what decrypts is not a sensitive area.
    func unprotect(_ blob: TPM2BPrivate, name: [UInt8]) throws(TPMRC) -> TPMTSensitive {
        let inner = try unwrap(blob.buffer, name: name)
        do throws(TPMRC) {
            guard let sensitive = try TPM2BSensitive(unmarshalling: inner).sensitiveArea else { throw .sensitive }
            return sensitive
        } catch {
            throw .sensitive
        }
    }
}
