// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// The consistency rules of an object's public area (Part 1, 27 and Part 2, 8.3; ms-tpm
/// `PublicAttributesValidation` and `SchemeChecks`). Codes carry no parameter number: the command adds it.
enum PublicAreaChecks {
    /// Checks a public area against its parent: `parent` is nil for a primary object (its parent, the
    /// hierarchy seed, counts as fixedTPM).
    ///
    /// - TPM_RC_SIZE: authPolicy neither empty nor the size of a nameAlg digest.
    /// - TPM_RC_ATTRIBUTES: fixedTPM/fixedParent/encryptedDuplication inconsistent among themselves or with
    ///   the parent; restricted with sign and decrypt equal; sign and decrypt both CLEAR on a key.
    /// - TPM_RC_SYMMETRIC, TPM_RC_SCHEME, TPM_RC_KDF: parameters that do not fit the attributes.
    static func check(_ publicArea: TPMTPublic, parent: TPMTPublic?) throws(TPMRC) {
        let attributes = publicArea.objectAttributes
        if let nameAlg = publicArea.nameAlg {
            guard publicArea.authPolicy.isEmpty || publicArea.authPolicy.count == nameAlg.digestSize else {
                throw .size
            }
        }
        let parentFixedTPM = parent?.objectAttributes.contains(.fixedTPM) ?? true
        if parentFixedTPM {
            guard attributes.contains(.fixedParent) == attributes.contains(.fixedTPM) else { throw .attributes }
        } else {
            guard !attributes.contains(.fixedTPM) else { throw .attributes }
        }
        let sign = attributes.contains(.signEncrypt)
        let decrypt = attributes.contains(.decrypt)
        let restricted = attributes.contains(.restricted)
        if sign == decrypt {
            guard !restricted else { throw .attributes }
            guard publicArea.type == .keyedHash || sign else { throw .attributes }
        }
        guard !(attributes.contains(.fixedTPM) && attributes.contains(.encryptedDuplication)) else {
            throw .attributes
        }
        if let parent, !parentFixedTPM {
            guard
                attributes.contains(.encryptedDuplication)
                    == parent.objectAttributes.contains(.encryptedDuplication)
            else { throw .attributes }
        }
        try checkParameters(publicArea)
    }

    /// The parameters must suit what the key may do (ms-tpm `SchemeChecks`).
    static func checkParameters(_ publicArea: TPMTPublic) throws(TPMRC) {
        let attributes = publicArea.objectAttributes
        let sign = attributes.contains(.signEncrypt)
        let decrypt = attributes.contains(.decrypt)
        let restricted = attributes.contains(.restricted)
        switch publicArea.details {
        case .rsa(let parms, _):
            try checkAsymmetricSymmetric(parms.symmetric, restricted: restricted, decrypt: decrypt, sign: sign)
            if let scheme = parms.scheme {
                let signing = [TPMAlgID.rsassa, .rsapss].contains(scheme.scheme)
                try checkAsymmetricScheme(signing: signing, restricted: restricted, decrypt: decrypt, sign: sign)
            } else if restricted && sign {
                throw .scheme
            }
            guard parms.exponent == 0 || (parms.exponent >= 3 && parms.exponent & 1 == 1) else { throw .value }
        case .ecc(let parms, _):
            try checkAsymmetricSymmetric(parms.symmetric, restricted: restricted, decrypt: decrypt, sign: sign)
            if let scheme = parms.scheme {
                try checkAsymmetricScheme(
                    signing: scheme.scheme == .ecdsa, restricted: restricted, decrypt: decrypt, sign: sign)
            } else if restricted && sign {
                throw .scheme
            }
            guard parms.kdf == nil else { throw .kdf }
        case .keyedHash(let parms, _):
            switch (sign, decrypt) {
            case (true, false):
                guard parms.scheme == nil || parms.scheme?.scheme == .hmac else { throw .scheme }
                if restricted && parms.scheme == nil { throw .scheme }
            case (false, true):
                guard parms.scheme == nil || parms.scheme?.scheme == .xor else { throw .scheme }
                if restricted && parms.scheme == nil { throw .scheme }
            default:
                guard parms.scheme == nil else { throw .scheme }
            }
        case .symCipher(let parms, _):
            guard !sign else { throw .attributes }
            if restricted, parms.sym.mode?.algorithm != .cfb { throw .symmetric }
        }
    }

    /// A storage key (restricted decrypt) needs a symmetric algorithm for its children, in CFB mode; any
    /// other asymmetric key must have none.
    private static func checkAsymmetricSymmetric(
        _ symmetric: TPMTSymDefObject?, restricted: Bool, decrypt: Bool, sign: Bool
    ) throws(TPMRC) {
        if restricted && decrypt && !sign {
            guard let symmetric, symmetric.mode?.algorithm == .cfb else { throw .symmetric }
        } else {
            guard symmetric == nil else { throw .symmetric }
        }
    }

    /// A signing scheme only on a signing key, an encryption scheme only on an unrestricted decryption key.
    private static func checkAsymmetricScheme(
        signing: Bool, restricted: Bool, decrypt: Bool, sign: Bool
    )
        throws(TPMRC)
    {
        if sign && decrypt { throw .scheme }
        if sign { guard signing else { throw .scheme } }
        if decrypt { guard !signing && !restricted else { throw .scheme } }
    }
}
