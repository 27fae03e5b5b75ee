// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// An object made persistent by TPM2_EvictControl, as durable state keeps it (Part 1, 30.2).
public struct PersistentObject: Hashable, Sendable {
    public var hierarchy: TPMHandle
    public var publicArea: TPMTPublic
    public var sensitive: TPMTSensitive
    public var qualifiedName: [UInt8]

    init(hierarchy: TPMHandle, key: KeyObject) {
        self.hierarchy = hierarchy
        self.publicArea = key.publicArea
        // EvictControl accepts only objects with a secret.
        self.sensitive =
            key.sensitive ?? TPMTSensitive(authValue: .empty, seedValue: .empty, sensitive: .keyedHash(.empty))
        self.qualifiedName = key.qualifiedName
    }

    /// The loaded form; throws if the stored areas no longer make a key.
    func loaded() throws(TPMRC) -> LoadedObject {
        var key = try KeyObject(publicArea: publicArea, sensitive: sensitive, parentQualifiedName: [])
        key.qualifiedName = qualifiedName
        return LoadedObject(key: key, hierarchy: hierarchy)
    }
}

extension PersistentObject: TPMCodable {
    public func marshal(into writer: inout TPMWriter) {
        hierarchy.marshal(into: &writer)
        TPM2BPublic(publicArea).marshal(into: &writer)
        TPM2BSensitive(sensitive).marshal(into: &writer)
        writer.writeSizedBytes(qualifiedName)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        hierarchy = try TPMIRHHierarchy.read(from: &reader)
        publicArea = try TPM2BPublic(unmarshalling: &reader).publicArea
        guard let sensitive = try TPM2BSensitive(unmarshalling: &reader).sensitiveArea else { throw .size }
        self.sensitive = sensitive
        qualifiedName = try reader.readSizedBytes()
    }
}
