// SPDX-License-Identifier: Apache-2.0

/// TPMT_TK_HASHCHECK — Part 2, 10.7.6: proof that the TPM hashed data that did not start with
/// TPM_GENERATED_VALUE. A null ticket has tag TPM_ST_HASHCHECK, hierarchy TPM_RH_NULL and an empty digest.
public struct TPMTTKHashcheck: TPMCodable, Hashable, Sendable {
    public var tag: TPMST
    public var hierarchy: TPMHandle
    public var digest: TPM2BDigest

    public init(tag: TPMST = .hashcheck, hierarchy: TPMHandle, digest: TPM2BDigest) {
        self.tag = tag
        self.hierarchy = hierarchy
        self.digest = digest
    }

    /// The ticket the TPM returns when it produces no ticket.
    public static let null = TPMTTKHashcheck(hierarchy: .null, digest: .empty)

    public func marshal(into writer: inout TPMWriter) {
        tag.marshal(into: &writer)
        hierarchy.marshal(into: &writer)
        digest.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        tag = try TPMST(unmarshalling: &reader)
        guard tag == .hashcheck else { throw .tag }
        hierarchy = try TPMHandle(unmarshalling: &reader)
        digest = try TPM2BDigest(unmarshalling: &reader)
    }
}
