// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// One parsed entry of a command's authorization area.
struct SessionEntry {
    let command: TPMSAuthCommand
    /// The handle this session authorizes, if any (ms-tpm `s_associatedHandles`).
    var associatedHandle: TPMHandle?
    /// Whether the entity's authValue is part of the HMAC key (Part 1, 19.6.5; not for the bound entity).
    var includeAuth = true
    /// The auth role of the handle this session authorizes (Part 3's USER, ADMIN or DUP).
    var role = HandleSpec.AuthRole.none

    var isPassword: Bool { command.sessionHandle == .password }
}

extension TPMEngine {
    /// MAX_SESSION_NUM: at most three sessions per command (Part 1, 18.6).
    static let maxSessions = 3

    /// Checks the authorization area before the command runs (ms-tpm `ParseSessionBuffer`).
    ///
    /// Session-specific failures carry `TPM_RC_S + n`; a handle that needs authorization without a session
    /// gives TPM_RC_AUTH_MISSING. `parameters` are the command's parameter bytes as received (for cpHash).
    mutating func authorize(
        _ reader: inout TPMReader, code: TPMCC, handles: HandleArea, descriptor: CommandDescriptor,
        parameters: ArraySlice<UInt8>
    ) throws(TPMRC) -> [SessionEntry] {
        guard !descriptor.flags.contains(.noSessions) else { throw .authContext }
        var entries = try readSessions(&reader)

        for (index, spec) in descriptor.handles.enumerated() where spec.auth != .none {
            guard index < entries.count else { throw .authMissing }
            entries[index].associatedHandle = handles[index]
            entries[index].role = spec.auth
        }

        // Names go into cpHash, which only HMAC and policy sessions need.
        var names: [[UInt8]] = []
        if entries.contains(where: { !$0.isPassword }) {
            names = handles.map { name(of: $0) }
        }
        for index in entries.indices {
            let number = index + 1
            if entries[index].isPassword {
                guard let handle = entries[index].associatedHandle else { throw TPMRC.handle.atSession(number) }
                do throws(TPMRC) {
                    try checkAuthValueAllowed(handle, role: entries[index].role)
                    try checkPasswordAuthorization(entries[index].command.hmac, for: handle, code: code)
                } catch {
                    throw error.atSession(number)
                }
                continue
            }
            guard let session = sessions[entries[index].command.sessionHandle] else { throw .referenceSession(index) }
            // A trial session can neither authorize nor encrypt: it only computes a policy digest.
            guard session.kind != .trial else { throw TPMRC.attributes.atSession(number) }
            if session.isDictionaryAttackBound {
                try checkLockedOut(lockoutAuth: session.isLockoutBound)
            }
            do throws(TPMRC) {
                let cpHash = SessionHMAC.commandParameterHash(
                    session.authHash, code: code, names: names, parameters: parameters)
                try checkSessionAuthorization(&entries, index: index, session: session, code: code, cpHash: cpHash)
            } catch {
                throw error.atSession(number)
            }
        }
        return entries
    }

    /// After the command succeeded: new nonces, response HMACs, and flushing of sessions that were not
    /// continued (ms-tpm `BuildResponseSession`). The session responses are appended to `response`, whose
    /// bytes in `parameters` are the response parameters the HMACs cover.
    mutating func respond(
        to entries: [SessionEntry], code: TPMCC, parameters: Range<Int>, in response: inout TPMWriter
    ) {
        for entry in entries where !entry.isPassword {
            let handle = entry.command.sessionHandle
            guard var session = sessions[handle] else { continue }
            session.nonceTPM = random(session.nonceTPM.count)
            sessions[handle] = session
        }
        for entry in entries {
            if entry.isPassword {
                // Part 1, 19.6.4: a password session answers with an empty nonce and HMAC and is never closed.
                // Written directly: this is the answer to nearly every authorized command.
                response.writeInteger(UInt16(0))
                TPMASession.continueSession.marshal(into: &response)
                response.writeInteger(UInt16(0))
                continue
            }
            // Built in its own statement so that the view of the response parameters is released before the
            // response grows: appending while it is alive would copy the whole buffer.
            let authorization = authorizationResponse(for: entry, code: code, parameters: response.bytes[parameters])
            authorization.marshal(into: &response)
            if !entry.isPassword, !entry.command.sessionAttributes.contains(.continueSession) {
                sessions.remove(entry.command.sessionHandle)
            }
        }
    }

    private func authorizationResponse(
        for entry: SessionEntry, code: TPMCC, parameters: ArraySlice<UInt8>
    ) -> TPMSAuthResponse {
        let attributes = entry.command.sessionAttributes
        guard let session = sessions[entry.command.sessionHandle] else {
            // Cannot happen: the session was checked before the command ran, and only a command that flushes
            // sessions could remove it. Answer as for a password rather than trap.
            return TPMSAuthResponse(nonce: .empty, sessionAttributes: .continueSession, hmac: .empty)
        }
        // The authValue after the command: a command that changes it answers with the new one.
        var key: [UInt8] = []
        if entry.includeAuth, let handle = entry.associatedHandle {
            key = self.authValue(of: handle)
        }
        var hmac: [UInt8] = []
        if !(session.sessionKey.isEmpty && key.isEmpty && entry.command.hmac.isEmpty) {
            let rpHash = SessionHMAC.responseParameterHash(session.authHash, code: code, parameters: parameters)
            hmac = SessionHMAC.hmac(
                session.authHash, sessionKey: session.sessionKey, authValue: key,
                parameterHash: rpHash, nonceNewer: session.nonceTPM,
                nonceOlder: entry.command.nonce.buffer, attributes: attributes)
        }
        return TPMSAuthResponse(
            nonce: (try? TPM2BNonce(session.nonceTPM)) ?? .empty,
            sessionAttributes: attributes, hmac: (try? TPM2BAuth(hmac)) ?? .empty)
    }

    // MARK: - Parsing (ms-tpm RetrieveSessionData)

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
                guard sessions.isOccupied(auth.sessionHandle) else { throw .referenceSession(entries.count) }
                // The handle's type must match the session's (an HMAC handle for a policy session, or back).
                guard sessions[auth.sessionHandle] != nil else { throw TPMRC.handle.atSession(number) }
                guard !entries.contains(where: { $0.command.sessionHandle == auth.sessionHandle }) else {
                    throw TPMRC.handle.atSession(number)
                }
                try checkSessionUseAttributes(auth.sessionAttributes, number: number)
            }
            entries.append(SessionEntry(command: auth, associatedHandle: nil))
        }
        return entries
    }

    /// Parameter encryption and audit arrive with the full session support; until then a session may only
    /// authorize. Asking for more is refused rather than ignored.
    private func checkSessionUseAttributes(_ attributes: TPMASession, number: Int) throws(TPMRC) {
        guard attributes.isDisjoint(with: [.encrypt, .decrypt, .audit, .auditExclusive, .auditReset]) else {
            throw TPMRC.attributes.atSession(number)
        }
    }

    /// TPMI_SH_AUTH_SESSION+: an HMAC or policy session handle, or TPM_RS_PW.
    static func checkSessionHandleType(_ handle: TPMHandle) throws(TPMRC) {
        guard handle == .password || handle.type == .hmacSession || handle.type == .policySession else {
            throw .value
        }
    }

    // MARK: - Checks (ms-tpm CheckAuthSession)

    private mutating func checkPasswordAuthorization(
        _ password: TPM2BAuth, for handle: TPMHandle, code: TPMCC
    ) throws(TPMRC) {
        try checkPhysicalPresence(handle, code: code)
        if !isDictionaryAttackExempt(handle) {
            try checkLockedOut(lockoutAuth: handle == .lockout)
        }
        guard SessionHMAC.equal(password.buffer.withoutTrailingZeros, authValue(of: handle)) else {
            throw registerAuthorizationFailure(handle, session: nil, includedAuth: true)
        }
    }

    private mutating func checkSessionAuthorization(
        _ entries: inout [SessionEntry], index: Int, session: AuthSession,
        code: TPMCC, cpHash: [UInt8]
    ) throws(TPMRC) {
        let entry = entries[index]
        guard let handle = entry.associatedHandle else {
            // A session without an entity to authorize must encrypt or audit; those are not supported yet.
            throw .attributes
        }
        try checkPhysicalPresence(handle, code: code)
        if session.isPolicy {
            // No entity has an authPolicy until the policy commands arrive, so none can be satisfied.
            throw .authUnavailable
        }
        try checkAuthValueAllowed(handle, role: entry.role)
        // Part 1, 19.6.10: the authValue of the entity a session is bound to is already in its session key.
        entries[index].includeAuth = session.boundEntity != boundEntity(of: handle)
        if entries[index].includeAuth, !isDictionaryAttackExempt(handle) {
            try checkLockedOut(lockoutAuth: handle == .lockout)
        }
        let key = entries[index].includeAuth ? authValue(of: handle) : []
        var expected: [UInt8] = []
        if !(session.sessionKey.isEmpty && key.isEmpty && entry.command.hmac.isEmpty) {
            expected = SessionHMAC.hmac(
                session.authHash, sessionKey: session.sessionKey, authValue: key,
                parameterHash: cpHash, nonceNewer: entry.command.nonce.buffer,
                nonceOlder: session.nonceTPM, attributes: entry.command.sessionAttributes)
        }
        guard SessionHMAC.equal(entry.command.hmac.buffer, expected) else {
            throw registerAuthorizationFailure(handle, session: session, includedAuth: entries[index].includeAuth)
        }
    }

    /// Part 1, 19.7: an object's authValue may authorize the USER role only with userWithAuth SET and the
    /// ADMIN role only with adminWithPolicy CLEAR; the DUP role always needs a policy.
    private func checkAuthValueAllowed(_ handle: TPMHandle, role: HandleSpec.AuthRole) throws(TPMRC) {
        guard handle.type == .transient || handle.type == .persistent, let key = objects[handle]?.key else { return }
        switch role {
        case .user: guard key.attributes.contains(.userWithAuth) else { throw .authUnavailable }
        case .admin: guard !key.attributes.contains(.adminWithPolicy) else { throw .authUnavailable }
        case .dup: throw .authUnavailable
        case .none: return
        }
    }

    private func checkPhysicalPresence(_ handle: TPMHandle, code: TPMCC) throws(TPMRC) {
        if handle == .platform, permanent.ppCommands.contains(code), !platform.physicalPresenceAsserted {
            throw .pp
        }
    }

    /// What a session bound to `handle` remembers of it: its Name and authValue.
    func boundEntity(of handle: TPMHandle) -> AuthSession.BoundEntity {
        AuthSession.BoundEntity(name: name(of: handle), authValue: authValue(of: handle))
    }

    /// The authValue of the entity `handle` refers to, without trailing zeros (ms-tpm `EntityGetAuthValue`).
    func authValue(of handle: TPMHandle) -> [UInt8] {
        switch handle.type {
        case .permanent:
            switch handle {
            case .owner: return permanent.ownerAuth.buffer.withoutTrailingZeros
            case .endorsement: return permanent.endorsementAuth.buffer.withoutTrailingZeros
            case .lockout: return permanent.lockoutAuth.buffer.withoutTrailingZeros
            case .platform: return stateClear.platformAuth.buffer.withoutTrailingZeros
            default: return []
            }
        case .transient, .persistent:
            return (objects[handle]?.authValue.buffer ?? []).withoutTrailingZeros
        default:
            // PCR authValues belong to the PCR auth group commands of a later stage; they start empty.
            return []
        }
    }
}
