// SPDX-License-Identifier: Apache-2.0

/// TPMT_TK_HASHCHECK — Part 2, 10.7.6: proof that the TPM hashed data that did not start with
/// TPM_GENERATED_VALUE. A null ticket has tag TPM_ST_HASHCHECK, hierarchy TPM_RH_NULL and an empty digest.
public struct TPMTTKHashcheck: TPMCodable, Hashable, Sendable {
    /// Always TPM_ST_HASHCHECK.
    public var tag: TPMST { .hashcheck }
    public let hierarchy: TPMHandle
    public let digest: TPM2BDigest

    /// Throws ``TPMRC/value`` unless `hierarchy` is a hierarchy or TPM_RH_NULL (TPMI_RH_HIERARCHY+).
    public init(hierarchy: TPMHandle, digest: TPM2BDigest) throws(TPMRC) {
        try TPMIRHHierarchy.check(hierarchy)
        self.hierarchy = hierarchy
        self.digest = digest
    }

    private init(checkedHierarchy: TPMHandle, digest: TPM2BDigest) {
        self.hierarchy = checkedHierarchy
        self.digest = digest
    }

    /// The ticket the TPM returns when it produces no ticket.
    public static let null = TPMTTKHashcheck(checkedHierarchy: .null, digest: .empty)

    public func marshal(into writer: inout TPMWriter) {
        tag.marshal(into: &writer)
        hierarchy.marshal(into: &writer)
        digest.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        guard try TPMST(unmarshalling: &reader) == .hashcheck else { throw .tag }
        hierarchy = try TPMIRHHierarchy.read(from: &reader)
        digest = try TPM2BDigest(unmarshalling: &reader)
    }
}
