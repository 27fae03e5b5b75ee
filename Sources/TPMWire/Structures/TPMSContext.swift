// SPDX-License-Identifier: Apache-2.0

/// TPM2B_CONTEXT_DATA — Part 2, 14.4: a saved context's protected blob (integrity digest then encrypted
/// object). Its limit is TPM_PT_MAX_OBJECT_CONTEXT, the size this TPM reports.
public struct TPM2BContextData: TPM2BBytes {
    public static let maxSize = 2680
    public let buffer: [UInt8]
    public init(_ buffer: [UInt8]) throws(TPMRC) {
        try Self.validate(buffer)
        self.buffer = buffer
    }
}

/// TPMS_CONTEXT — Part 2, 14.5: what TPM2_ContextSave returns and TPM2_ContextLoad takes back.
public struct TPMSContext: TPMCodable, Hashable, Sendable {
    public var sequence: UInt64
    /// TPMI_DH_SAVED: 0x80000000 for an object, 0x80000001 for a sequence, 0x80000002 for an stClear object,
    /// or a session handle.
    public var savedHandle: TPMHandle
    /// TPMI_RH_HIERARCHY+: the hierarchy the context belongs to.
    public var hierarchy: TPMHandle
    public var contextBlob: TPM2BContextData

    public init(sequence: UInt64, savedHandle: TPMHandle, hierarchy: TPMHandle, contextBlob: TPM2BContextData) {
        self.sequence = sequence
        self.savedHandle = savedHandle
        self.hierarchy = hierarchy
        self.contextBlob = contextBlob
    }

    public func marshal(into writer: inout TPMWriter) {
        writer.writeInteger(sequence)
        savedHandle.marshal(into: &writer)
        hierarchy.marshal(into: &writer)
        contextBlob.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        sequence = try reader.readInteger()
        savedHandle = try TPMHandle(unmarshalling: &reader)
        hierarchy = try TPMHandle(unmarshalling: &reader)
        guard [.owner, .endorsement, .platform, .null].contains(hierarchy) else { throw .value }
        contextBlob = try TPM2BContextData(unmarshalling: &reader)
    }
}
