// SPDX-License-Identifier: Apache-2.0

import TPMCrypto
import TPMWire

/// A key or data object: its public area, its secret (absent for a public key loaded alone) and the values the
/// TPM derives from them once, at load time, so that commands need not recompute them.
struct KeyObject: Sendable {
    var publicArea: TPMTPublic
    /// nil for a public area loaded alone by TPM2_LoadExternal.
    var sensitive: TPMTSensitive?
    /// Part 1, 16: nameAlg || H_nameAlg(publicArea); empty when nameAlg is TPM_ALG_NULL.
    let name: [UInt8]
    /// Part 1, 16.6: H_nameAlg(parent's qualified name || Name), prefixed with nameAlg.
    var qualifiedName: [UInt8]
    /// The cryptographic key built from the two areas.
    let material: KeyMaterial
    /// Loaded by TPM2_LoadExternal (never a parent, never persistent with a secret from outside).
    var isExternal = false

    /// An object from its two areas; `material` when the caller has just made the key (creation), so that it
    /// is not rebuilt and checked again.
    init(
        publicArea: TPMTPublic, sensitive: TPMTSensitive?, parentQualifiedName: [UInt8],
        material: KeyMaterial? = nil
    ) throws(TPMRC) {
        self.publicArea = publicArea
        self.sensitive = sensitive
        self.name = Self.name(of: publicArea)
        self.qualifiedName = Self.qualifiedName(parent: parentQualifiedName, name: name, hash: publicArea.nameAlg)
        if let material {
            self.material = material
        } else {
            self.material = try KeyMaterial(publicArea: publicArea, sensitive: sensitive)
        }
    }

    var attributes: TPMAObject { publicArea.objectAttributes }
    var nameAlg: TPMIAlgHash? { publicArea.nameAlg }

    /// A storage parent: restricted, decrypt, not sign, with a symmetric algorithm to protect children
    /// (Part 1, 27.1).
    var isStorageParent: Bool {
        attributes.contains([.restricted, .decrypt]) && !attributes.contains(.signEncrypt)
            && protectionSymmetric != nil && sensitive != nil
    }

    /// The symmetric definition a parent protects its children (and a key its duplicates) with.
    var protectionSymmetric: TPMTSymDefObject? {
        switch publicArea.details {
        case .rsa(let parms, _): parms.symmetric
        case .ecc(let parms, _): parms.symmetric
        case .symCipher(let parms, _): parms.sym
        case .keyedHash: nil
        }
    }

    /// The Name of a public area — Part 1, 16.
    static func name(of publicArea: TPMTPublic) -> [UInt8] {
        guard let nameAlg = publicArea.nameAlg else { return [] }
        return nameAlg.marshalled() + TPMHash.digest(nameAlg, publicArea.marshalled())
    }

    /// QN = nameAlg || H_nameAlg(parent QN || Name) — Part 1, 16.6. A primary object's parent QN is the
    /// hierarchy handle.
    static func qualifiedName(parent: [UInt8], name: [UInt8], hash: TPMIAlgHash?) -> [UInt8] {
        guard let hash else { return [] }
        return hash.marshalled() + TPMHash.digest(hash, parent, name)
    }
}
