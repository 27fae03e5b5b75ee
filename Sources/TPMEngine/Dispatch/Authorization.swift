// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// One parsed entry of a command's authorization area and what goes back for it.
struct SessionEntry {
    let command: TPMSAuthCommand
    /// The handle this session authorizes, if any (ms-tpm `s_associatedHandles`).
    var associatedHandle: TPMHandle?
    var response: TPMSAuthResponse
}

extension TPMEngine {
    /// MAX_SESSION_NUM: at most three sessions per command (Part 1, 18.6).
    static let maxSessions = 3

    /// Parses and checks the authorization area (ms-tpm `ParseSessionBuffer` and `RetrieveSessionData`).
    ///
    /// Session-specific failures are tagged `TPM_RC_S + n`; a handle that needs authorization without a
    /// session gives TPM_RC_AUTH_MISSING.
    mutating func authorize(_ reader: inout TPMReader, handles: [TPMHandle],
                            descriptor: CommandDescriptor) throws(TPMRC) -> [SessionEntry] {
        guard !descriptor.flags.contains(.noSessions) else { throw .authContext }
        var entries = try readSessions(&reader)

        for (index, spec) in descriptor.handles.enumerated() where spec.auth != .none {
            guard index < entries.count else { throw .authMissing }
            entries[index].associatedHandle = handles[index]
        }

        for index in entries.indices {
            let number = index + 1
            let entry = entries[index]
            guard entry.command.sessionHandle == .password else {
                // HMAC and policy sessions are not loaded (readSessions already refused them).
                throw .referenceSession(index)
            }
            guard let handle = entry.associatedHandle else { throw TPMRC.handle.atSession(number) }
            do throws(TPMRC) {
                try checkPasswordAuthorization(entry.command.hmac, for: handle, descriptor: descriptor)
            } catch {
                throw error.atSession(number)
            }
        }
        return entries
    }

    private func readSessions(_ reader: inout TPMReader) throws(TPMRC) -> [SessionEntry] {
        var entries: [SessionEntry] = []
        while !reader.isAtEnd {
            let number = entries.count + 1
            guard entries.count < Self.maxSessions else { throw TPMRC.size.atSession(number) }
            let auth: TPMSAuthCommand
            do throws(TPMRC) {
                auth = try TPMSAuthCommand(unmarshalling: &reader)
                try Self.checkSessionHandleType(auth.sessionHandle)
            } catch {
                throw error.atSession(number)
            }
            if auth.sessionHandle == .password {
                let forbidden: TPMASession = [.encrypt, .decrypt, .audit, .auditExclusive, .auditReset]
                guard auth.sessionAttributes.isDisjoint(with: forbidden) else {
                    throw TPMRC.attributes.atSession(number)
                }
                guard auth.nonce.isEmpty else { throw TPMRC.nonce.atSession(number) }
            } else {
                throw .referenceSession(entries.count)
            }
            // Part 1, 19.6.4: a password session answers with an empty nonce and HMAC, and it is never
            // closed, so the reference implementation always reports continueSession.
            let response = TPMSAuthResponse(nonce: .empty, sessionAttributes: .continueSession, hmac: .empty)
            entries.append(SessionEntry(command: auth, associatedHandle: nil, response: response))
        }
        return entries
    }

    /// TPMI_SH_AUTH_SESSION+: an HMAC or policy session handle, or TPM_RS_PW.
    static func checkSessionHandleType(_ handle: TPMHandle) throws(TPMRC) {
        guard handle == .password || handle.type == .hmacSession || handle.type == .policySession else {
            throw .value
        }
    }

    /// ms-tpm `CheckAuthSession` for a password session.
    private mutating func checkPasswordAuthorization(_ password: TPM2BAuth, for handle: TPMHandle,
                                                     descriptor: CommandDescriptor) throws(TPMRC) {
        if handle == .platform, permanent.ppCommands.contains(descriptor.code), !platform.physicalPresenceAsserted {
            throw .pp
        }
        if !isDictionaryAttackExempt(handle) {
            try checkLockedOut(lockoutAuth: handle == .lockout)
        }
        let expected = authValue(of: handle)
        guard Self.authValuesMatch(password.buffer, expected) else {
            throw registerAuthorizationFailure(handle)
        }
    }

    /// Part 1, 19.6.5: trailing zero octets of an authValue are not significant.
    static func authValuesMatch(_ given: [UInt8], _ expected: [UInt8]) -> Bool {
        func trimmed(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
            var end = bytes.count
            while end > 0 && bytes[end - 1] == 0 { end -= 1 }
            return bytes[..<end]
        }
        let lhs = trimmed(given)
        let rhs = trimmed(expected)
        // Compare every byte so the time taken does not reveal where the values differ.
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(lhs, rhs) {
            difference |= a ^ b
        }
        return difference == 0
    }

    /// The authValue of the entity `handle` refers to (ms-tpm `EntityGetAuthValue`).
    func authValue(of handle: TPMHandle) -> [UInt8] {
        switch handle.type {
        case .permanent:
            switch handle {
            case .owner: return permanent.ownerAuth.buffer
            case .endorsement: return permanent.endorsementAuth.buffer
            case .lockout: return permanent.lockoutAuth.buffer
            case .platform: return stateClear.platformAuth.buffer
            default: return []
            }
        case .transient:
            return objects[handle]?.authValue.buffer ?? []
        default:
            // PCR authValues belong to the auth group commands of a later stage; they start empty.
            return []
        }
    }
}
