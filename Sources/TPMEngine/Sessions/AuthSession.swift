// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// An authorization session — Part 1, 19.6: created by TPM2_StartAuthSession, used in command
/// authorization areas until flushed.
struct AuthSession: Sendable {
    enum Kind: Sendable {
        case hmac, policy, trial
    }

    let kind: Kind
    let authHash: TPMIAlgHash
    /// The TPM's nonce; replaced after every use (Part 1, 19.6.3). Keeps the size of the caller's first nonce.
    var nonceTPM: [UInt8]
    /// KDFa(authHash, bind authValue || salt, "ATH", nonceTPM, nonceCaller); empty for an unbound, unsalted session.
    let sessionKey: [UInt8]
    /// Parameter encryption algorithm, nil for TPM_ALG_NULL.
    let symmetric: TPMTSymDef?
    /// The entity the session is bound to, as its Name and authValue were at start (Part 1, 19.6.10).
    let boundEntity: BoundEntity?
    /// Bound to a DA-protected entity: failures count even though the authValue is not in the HMAC.
    let isDictionaryAttackBound: Bool
    let isLockoutBound: Bool
    /// policyDigest of policy and trial sessions (zeros of the digest size at start).
    var policyDigest: [UInt8]

    struct BoundEntity: Hashable, Sendable {
        let name: [UInt8]
        let authValue: [UInt8]
    }

    var isPolicy: Bool { kind != .hmac }
    var handleType: TPMHT { kind == .hmac ? .hmacSession : .policySession }
}

/// The TPM's session slots (Part 1, 30.4): handles are HMAC_SESSION_FIRST or POLICY_SESSION_FIRST plus the
/// slot number, lowest free slot first, as the reference implementation assigns them.
struct SessionTable: Sendable {
    /// TPM_PT_ACTIVE_SESSIONS_MAX and TPM_PT_HR_LOADED_MIN: every active session stays loaded.
    static let capacity = 64

    private var slots: [AuthSession?] = Array(repeating: nil, count: capacity)

    var count: Int { slots.count { $0 != nil } }

    subscript(handle: TPMHandle) -> AuthSession? {
        get {
            guard let index = slotIndex(handle), let session = slots[index], session.handleType == handle.type else {
                return nil
            }
            return session
        }
        set {
            guard let index = slotIndex(handle) else { return }
            slots[index] = newValue
        }
    }

    /// True if a session occupies the slot of `handle`, whatever its type.
    func isOccupied(_ handle: TPMHandle) -> Bool {
        guard let index = slotIndex(handle) else { return false }
        return slots[index] != nil
    }

    /// Stores a new session; TPM_RC_SESSION_HANDLES when every slot is taken.
    mutating func insert(_ session: AuthSession) throws(TPMRC) -> TPMHandle {
        guard let index = slots.firstIndex(where: { $0 == nil }) else { throw .sessionHandles }
        slots[index] = session
        let first = session.kind == .hmac ? TPMHandle.firstHMACSession : TPMHandle.firstPolicySession
        return TPMHandle(first.rawValue + UInt32(index))
    }

    mutating func remove(_ handle: TPMHandle) {
        guard let index = slotIndex(handle) else { return }
        slots[index] = nil
    }

    mutating func removeAll() {
        slots = Array(repeating: nil, count: Self.capacity)
    }

    /// Loaded session handles from `start` on (GetCapability TPM_CAP_HANDLES, TPM_HT_LOADED_SESSION).
    func handles(from start: TPMHandle) -> [TPMHandle] {
        slots.indices.compactMap { index -> TPMHandle? in
            guard let session = slots[index], UInt32(index) >= start.index else { return nil }
            let first = session.kind == .hmac ? TPMHandle.firstHMACSession : TPMHandle.firstPolicySession
            return TPMHandle(first.rawValue + UInt32(index))
        }
    }

    private func slotIndex(_ handle: TPMHandle) -> Int? {
        guard handle.type == .hmacSession || handle.type == .policySession else { return nil }
        let index = Int(handle.index)
        return index < Self.capacity ? index : nil
    }
}
