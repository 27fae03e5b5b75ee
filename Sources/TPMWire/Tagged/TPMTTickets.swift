// SPDX-License-Identifier: Apache-2.0

// Tickets (Part 2, 10.7): an HMAC, keyed by a hierarchy's proof, over what the TPM checked. Unmarshalling
// rejects a wrong tag with TPM_RC_TAG and a hierarchy outside TPMI_RH_HIERARCHY+ with TPM_RC_VALUE, as
// libtpms does. A NULL ticket (10.7.2) has hierarchy TPM_RH_NULL and an empty digest.

/// TPMT_TK_CREATION — Part 2, 10.7.3: proof that the TPM created an object with the given creation data.
public struct TPMTTKCreation: TPMCodable, Hashable, Sendable {
    public private(set) var hierarchy: TPMHandle
    public var digest: TPM2BDigest

    /// Throws ``TPMRC/value`` if `hierarchy` is not a hierarchy or TPM_RH_NULL.
    public init(hierarchy: TPMHandle, digest: TPM2BDigest) throws(TPMRC) {
        try TPMIRHHierarchy.check(hierarchy)
        self.hierarchy = hierarchy
        self.digest = digest
    }

    /// TPM_ST_CREATION, the only tag this ticket has.
    public var tag: TPMST { .creation }

    public static let null = TPMTTKCreation(uncheckedHierarchy: .null, digest: .empty)

    private init(uncheckedHierarchy: TPMHandle, digest: TPM2BDigest) {
        self.hierarchy = uncheckedHierarchy
        self.digest = digest
    }

    public func marshal(into writer: inout TPMWriter) {
        tag.marshal(into: &writer)
        hierarchy.marshal(into: &writer)
        digest.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        guard try TPMST(unmarshalling: &reader) == .creation else { throw .tag }
        hierarchy = try TPMIRHHierarchy.read(from: &reader)
        digest = try TPM2BDigest(unmarshalling: &reader)
    }
}

/// TPMT_TK_VERIFIED — Part 2, 10.7.4: proof that the TPM verified a signature over a digest.
public struct TPMTTKVerified: TPMCodable, Hashable, Sendable {
    public private(set) var hierarchy: TPMHandle
    public var digest: TPM2BDigest

    /// Throws ``TPMRC/value`` if `hierarchy` is not a hierarchy or TPM_RH_NULL.
    public init(hierarchy: TPMHandle, digest: TPM2BDigest) throws(TPMRC) {
        try TPMIRHHierarchy.check(hierarchy)
        self.hierarchy = hierarchy
        self.digest = digest
    }

    /// TPM_ST_VERIFIED, the only tag this ticket has.
    public var tag: TPMST { .verified }

    public static let null = TPMTTKVerified(uncheckedHierarchy: .null, digest: .empty)

    private init(uncheckedHierarchy: TPMHandle, digest: TPM2BDigest) {
        self.hierarchy = uncheckedHierarchy
        self.digest = digest
    }

    public func marshal(into writer: inout TPMWriter) {
        tag.marshal(into: &writer)
        hierarchy.marshal(into: &writer)
        digest.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        guard try TPMST(unmarshalling: &reader) == .verified else { throw .tag }
        hierarchy = try TPMIRHHierarchy.read(from: &reader)
        digest = try TPM2BDigest(unmarshalling: &reader)
    }
}

/// TPMT_TK_AUTH — Part 2, 10.7.5: proof that PolicySigned (TPM_ST_AUTH_SIGNED) or PolicySecret
/// (TPM_ST_AUTH_SECRET) succeeded, for a later PolicyTicket.
public struct TPMTTKAuth: TPMCodable, Hashable, Sendable {
    public private(set) var tag: TPMST
    public private(set) var hierarchy: TPMHandle
    public var digest: TPM2BDigest

    /// Throws ``TPMRC/tag`` for a tag other than TPM_ST_AUTH_SIGNED or TPM_ST_AUTH_SECRET, and ``TPMRC/value``
    /// if `hierarchy` is not a hierarchy or TPM_RH_NULL.
    public init(tag: TPMST, hierarchy: TPMHandle, digest: TPM2BDigest) throws(TPMRC) {
        guard tag == .authSigned || tag == .authSecret else { throw .tag }
        try TPMIRHHierarchy.check(hierarchy)
        self.tag = tag
        self.hierarchy = hierarchy
        self.digest = digest
    }

    public func marshal(into writer: inout TPMWriter) {
        tag.marshal(into: &writer)
        hierarchy.marshal(into: &writer)
        digest.marshal(into: &writer)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        tag = try TPMST(unmarshalling: &reader)
        guard tag == .authSigned || tag == .authSecret else { throw .tag }
        hierarchy = try TPMIRHHierarchy.read(from: &reader)
        digest = try TPM2BDigest(unmarshalling: &reader)
    }
}
