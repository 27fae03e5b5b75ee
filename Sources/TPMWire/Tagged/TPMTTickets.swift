// SPDX-License-Identifier: Apache-2.0

// Tickets (Part 2, 10.7): an HMAC, keyed by a hierarchy's proof, over what the TPM checked. Unmarshalling
// rejects a wrong tag with TPM_RC_TAG and a hierarchy outside TPMI_RH_HIERARCHY+ with TPM_RC_VALUE, as
// libtpms does. A NULL ticket (10.7.2) has hierarchy TPM_RH_NULL and an empty digest.

/// A ticket kind that has exactly one tag (TPMT_TK_CREATION, TPMT_TK_VERIFIED, TPMT_TK_HASHCHECK).
public protocol TPMSingleTagTicket: Sendable {
    static var tag: TPMST { get }
}

/// TPMT_TK_CREATION — Part 2, 10.7.3: proof that the TPM created an object with the given creation data.
public enum CreationTicket: TPMSingleTagTicket {
    public static var tag: TPMST { .creation }
}

/// TPMT_TK_VERIFIED — Part 2, 10.7.4: proof that the TPM verified a signature over a digest.
public enum VerifiedTicket: TPMSingleTagTicket {
    public static var tag: TPMST { .verified }
}

/// TPMT_TK_HASHCHECK — Part 2, 10.7.6: proof that the TPM hashed data that did not start with
/// TPM_GENERATED_VALUE.
public enum HashcheckTicket: TPMSingleTagTicket {
    public static var tag: TPMST { .hashcheck }
}

public typealias TPMTTKCreation = TPMTTicket<CreationTicket>
public typealias TPMTTKVerified = TPMTTicket<VerifiedTicket>
public typealias TPMTTKHashcheck = TPMTTicket<HashcheckTicket>

/// A ticket whose tag is fixed by its kind: the three single-tag tickets share one layout and one set of
/// checks, so they share one type.
public struct TPMTTicket<Kind: TPMSingleTagTicket>: TPMCodable, Hashable, Sendable {
    public let hierarchy: TPMHandle
    public let digest: TPM2BDigest

    /// Throws ``TPMRC/value`` if `hierarchy` is not a hierarchy or TPM_RH_NULL (TPMI_RH_HIERARCHY+).
    public init(hierarchy: TPMHandle, digest: TPM2BDigest) throws(TPMRC) {
        try TPMIRHHierarchy.check(hierarchy)
        self.hierarchy = hierarchy
        self.digest = digest
    }

    /// The kind's only tag.
    public var tag: TPMST { Kind.tag }

    /// The ticket the TPM returns when it produces none.
    public static var null: Self { Self(uncheckedHierarchy: .null, digest: .empty) }

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
        guard try TPMST(unmarshalling: &reader) == Kind.tag else { throw .tag }
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
