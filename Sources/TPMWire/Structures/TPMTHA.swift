// SPDX-License-Identifier: Apache-2.0

/// TPMT_HA — Part 2, 10.3.2: a hash algorithm and a digest of exactly that algorithm's size.
public struct TPMTHA: TPMCodable, Hashable, Sendable {
    public let hashAlg: TPMIAlgHash
    public let digest: [UInt8]

    /// Throws ``TPMRC/size`` if `digest` is not `hashAlg`'s digest size.
    public init(hashAlg: TPMIAlgHash, digest: [UInt8]) throws(TPMRC) {
        guard digest.count == hashAlg.digestSize else { throw .size }
        self.hashAlg = hashAlg
        self.digest = digest
    }

    public func marshal(into writer: inout TPMWriter) {
        hashAlg.marshal(into: &writer)
        writer.writeBytes(digest)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        let hashAlg = try TPMIAlgHash(unmarshalling: &reader)
        try self.init(hashAlg: hashAlg, digest: try reader.readBytes(count: hashAlg.digestSize))
    }
}

/// TPML_DIGEST_VALUES — Part 2, 10.9.6: at most one digest per implemented hash.
public struct TPMLDigestValues: TPMList {
    public static let maxCount = TPMIAlgHash.implemented.count
    public let elements: [TPMTHA]
    public init(_ elements: [TPMTHA]) throws(TPMRC) { try Self.validate(elements); self.elements = elements }
}

/// TPML_DIGEST — Part 2, 10.9.4: up to eight digests.
public struct TPMLDigest: TPMList {
    public static let maxCount = 8
    public let elements: [TPM2BDigest]
    public init(_ elements: [TPM2BDigest]) throws(TPMRC) { try Self.validate(elements); self.elements = elements }
}
