// SPDX-License-Identifier: Apache-2.0

/// TPMS_SENSITIVE_CREATE — Part 2, 11.1.15: the secret parts a caller supplies to Create and CreatePrimary.
public struct TPMSSensitiveCreate: TPMCodable, Hashable, Sendable {
    /// The new object's authorization value.
    public var userAuth: TPM2BAuth
    /// Data to seal, a key to import as a keyed-hash or symmetric object, or a label (derivation parents).
    public var data: TPM2BSensitiveData

    public init(userAuth: TPM2BAuth = .empty, data: TPM2BSensitiveData = .empty) {
        self.userAuth = userAuth
        self.data = data
    }

    public func marshal(into writer: inout TPMWriter) {
        userAuth.marshal(into: &writer)
        data.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        userAuth = try TPM2BAuth(unmarshalling: &reader)
        data = try TPM2BSensitiveData(unmarshalling: &reader)
    }
}

/// TPM2B_SENSITIVE_CREATE — Part 2, 11.1.16: a TPMS_SENSITIVE_CREATE behind a u16 size.
///
/// Size 0 throws ``TPMRC/size`` (libtpms does the same): the smallest real value, two empty buffers, has
/// size 4. The structure must end exactly at the size (``TPMRC/size``).
public struct TPM2BSensitiveCreate: TPMCodable, Hashable, Sendable {
    public var sensitive: TPMSSensitiveCreate

    public init(_ sensitive: TPMSSensitiveCreate) {
        self.sensitive = sensitive
    }

    public func marshal(into writer: inout TPMWriter) {
        writer.writeSized { sensitive.marshal(into: &$0) }
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        sensitive = try reader.readNonEmptySizedStructure { reader throws(TPMRC) in
            try TPMSSensitiveCreate(unmarshalling: &reader)
        }
    }
}
