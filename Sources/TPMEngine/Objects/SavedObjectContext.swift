// SPDX-License-Identifier: Apache-2.0

import TPMCrypto
import TPMWire

/// A saved object context (Part 1, 30.3): what TPMS_CONTEXT carries besides its blob, and the blob's contents.
///
/// The blob is TPM2B_DIGEST(integrity) || AES-256-CFB(symKey, iv, object), where
/// symKey || iv = KDFa(SHA-512, proof, "CONTEXT", sequence, savedHandle, 384) and
/// integrity = HMAC-SHA-512(proof, totalResetCount || [restartCount for stClear] || sequence || savedHandle ||
/// hierarchy || encrypted object). The hierarchy's proof binds the context to its hierarchy (a new proof after
/// TPM2_Clear, a new null proof after every TPM Reset), the reset count to this TPM Reset, and the restart count an
/// stClear object to this TPM Restart.
struct SavedObjectContext {
    /// TPMI_DH_SAVED values for objects — Part 2, 14.5.
    static let object = TPMHandle(0x8000_0000)
    static let stClearObject = TPMHandle(0x8000_0002)
    static let blobVersion: UInt8 = 1

    let sequence: UInt64
    let savedHandle: TPMHandle
    let hierarchy: TPMHandle

    /// version || TPM2B_PUBLIC || TPM2B_SENSITIVE || qualified name || external flag.
    static func serialize(_ key: KeyObject) -> [UInt8] {
        var writer = TPMWriter(capacity: 1024)
        writer.writeInteger(blobVersion)
        TPM2BPublic(key.publicArea).marshal(into: &writer)
        TPM2BSensitive(key.sensitive).marshal(into: &writer)
        writer.writeSizedBytes(key.qualifiedName)
        key.isExternal.marshal(into: &writer)
        return writer.bytes
    }

    static func deserialize(_ bytes: [UInt8]) throws(TPMRC) -> KeyObject {
        var reader = TPMReader(bytes)
        guard try reader.readInteger(as: UInt8.self) == blobVersion else { throw .integrity }
        let publicArea = try TPM2BPublic(unmarshalling: &reader, allowNullNameAlg: true).publicArea
        let sensitive = try TPM2BSensitive(unmarshalling: &reader).sensitiveArea
        let qualifiedName = try reader.readSizedBytes()
        let isExternal = try Bool(unmarshalling: &reader)
        guard reader.isAtEnd else { throw .integrity }
        var key = try KeyObject(publicArea: publicArea, sensitive: sensitive, parentQualifiedName: [])
        key.qualifiedName = qualifiedName
        key.isExternal = isExternal
        return key
    }
}

extension TPMEngine {
    func protectContext(_ context: SavedObjectContext, plaintext: [UInt8]) -> [UInt8] {
        let proof = proof(of: context.hierarchy) ?? []
        let (key, iv) = contextKeys(context, proof: proof)
        let encrypted = (try? SymmetricCipher.encrypt(plaintext, key: key, iv: iv, mode: .cfb).output) ?? []
        let integrity = contextIntegrity(context, proof: proof, encrypted: encrypted)
        var writer = TPMWriter(capacity: 2 + integrity.count + encrypted.count)
        writer.writeSizedBytes(integrity)
        writer.writeBytes(encrypted)
        return writer.bytes
    }

    func unprotectContext(_ context: SavedObjectContext, blob: [UInt8]) throws(TPMRC) -> [UInt8] {
        let proof = proof(of: context.hierarchy) ?? []
        var reader = TPMReader(blob)
        let integrity = try reader.readSizedBytes()
        guard integrity.count == Self.contextIntegrityHash.digestSize else { throw .size }
        let encrypted = Array(reader.peekRemaining())
        guard SessionHMAC.equal(integrity, contextIntegrity(context, proof: proof, encrypted: encrypted)) else {
            throw .integrity
        }
        let (key, iv) = contextKeys(context, proof: proof)
        return (try? SymmetricCipher.decrypt(encrypted, key: key, iv: iv, mode: .cfb).output) ?? []
    }

    private func contextKeys(_ context: SavedObjectContext, proof: [UInt8]) -> (key: [UInt8], iv: [UInt8]) {
        let bytes = KDF.kdfa(
            Self.contextIntegrityHash, key: proof, label: "CONTEXT", contextU: context.sequence.marshalled(),
            contextV: context.savedHandle.marshalled(), bits: (32 + 16) * 8)
        return (Array(bytes[0..<32]), Array(bytes[32..<48]))
    }

    private func contextIntegrity(_ context: SavedObjectContext, proof: [UInt8], encrypted: [UInt8]) -> [UInt8] {
        var writer = TPMWriter(capacity: 64 + encrypted.count)
        writer.writeInteger(permanent.totalResetCount)
        if context.savedHandle == SavedObjectContext.stClearObject {
            writer.writeInteger(stateReset.restartCount)
        }
        writer.writeInteger(context.sequence)
        context.savedHandle.marshal(into: &writer)
        context.hierarchy.marshal(into: &writer)
        writer.writeBytes(encrypted)
        return TPMHash.hmac(Self.contextIntegrityHash, key: proof, writer.bytes)
    }
}
