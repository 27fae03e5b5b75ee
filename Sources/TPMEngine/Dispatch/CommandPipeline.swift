// SPDX-License-Identifier: Apache-2.0

import TPMWire

extension TPMEngine {
    /// MAX_COMMAND_SIZE and MAX_RESPONSE_SIZE (TPM_PT_MAX_COMMAND_SIZE): what swtpm reports too.
    public static let maxCommandSize = 4096
    public static let maxResponseSize = 4096

    /// Runs one command and returns its response (Part 1, 18; ms-tpm's `ExecuteCommand`).
    ///
    /// 1. In failure mode, answer from ``failureModeResponse(_:)``.
    /// 2. Advance Time and Clock.
    /// 3. Header: tag (TPM_RC_VALUE if Part 2 defines no such TPM_ST, TPM_RC_BAD_TAG if it is not a
    ///    command tag), size equal to the bytes received and within MAX_COMMAND_SIZE
    ///    (TPM_RC_COMMAND_SIZE), command code (TPM_RC_COMMAND_CODE).
    /// 4. Startup state (TPM_RC_INITIALIZE).
    /// 5. Handle area: each handle's TPMI check, then whether it refers to something present.
    /// 6. Authorization area (TPM_ST_SESSIONS) or the check that none was needed.
    /// 7. Parameters, handler, response parameters.
    /// 8. Response header, handle, parameter size and session responses.
    ///
    /// Never traps: every input yields a well-formed response.
    public mutating func execute(_ command: [UInt8], locality: UInt8) -> [UInt8] {
        if phase == .failure {
            return failureModeResponse(command)
        }
        advanceClock()
        do throws(TPMRC) {
            return try runCommand(command, locality: locality)
        } catch {
            return ResponseHeader.errorResponse(error)
        }
    }

    private mutating func runCommand(_ bytes: [UInt8], locality: UInt8) throws(TPMRC) -> [UInt8] {
        var reader = TPMReader(bytes)
        let tag = try TPMST.validated(from: &reader)
        guard tag == .noSessions || tag == .sessions else { throw .badTag }
        let commandSize = try reader.readInteger(as: UInt32.self)
        guard commandSize == bytes.count, commandSize <= Self.maxCommandSize else { throw .commandSize }
        let code = try TPMCC(unmarshalling: &reader)
        guard let descriptor = commandTable[code] else { throw .commandCode }
        guard (phase == .operational) == (code != .startup) else { throw .initialize }

        let handles = try readHandles(descriptor.handles, from: &reader)
        try checkHandlesPresent(handles, specs: descriptor.handles)

        var authorizations: [SessionEntry] = []
        if tag == .sessions {
            let authSize = try reader.readInteger(as: UInt32.self)
            // At least one minimal session (handle 4 + nonce 2 + attributes 1 + hmac 2), and no more than what is left.
            guard authSize >= 9, authSize <= reader.remaining else { throw .size }
            var authReader = try reader.readSubReader(count: Int(authSize))
            authorizations = try authorize(
                &authReader, code: code, handles: handles, descriptor: descriptor,
                parameters: reader.peekRemaining())
        } else if descriptor.handles.contains(where: { $0.auth != .none }) {
            throw .authMissing
        }

        let info = CommandInfo(code: code, tag: tag, handles: handles, locality: locality)
        var parameters = ParameterReader(reader)
        // The response is built in one buffer: header, room for the handle and parameter size, then the
        // handler writes its parameters straight after them.
        var response = TPMWriter(capacity: 128)
        tag.marshal(into: &response)
        response.writeInteger(UInt32(0))
        response.writeInteger(TPMRC.success.rawValue)
        let handleOffset = response.count
        if descriptor.hasResponseHandle {
            response.writeInteger(UInt32(0))
        }
        let sizeOffset = response.count
        if tag == .sessions {
            response.writeInteger(UInt32(0))
        }
        let parametersStart = response.count
        let responseHandle = try descriptor.execute(&parameters, info, &self, &response)
        let parametersEnd = response.count

        if descriptor.hasResponseHandle {
            // Every command with a response handle returns one; a handler that did not is a bug.
            guard let responseHandle else { throw .failure }
            response.setUInt32(responseHandle.rawValue, at: handleOffset)
        }
        if tag == .sessions {
            response.setUInt32(UInt32(parametersEnd - parametersStart), at: sizeOffset)
            respond(to: authorizations, code: code, parameters: parametersStart..<parametersEnd, in: &response)
        }
        response.setUInt32(UInt32(response.count), at: 2)
        return response.bytes
    }

    // MARK: - Handle area (ms-tpm ParseHandleBuffer, EntityGetLoadStatus)

    private func readHandles(_ specs: [HandleSpec], from reader: inout TPMReader) throws(TPMRC) -> HandleArea {
        var handles = HandleArea()
        for (index, spec) in specs.enumerated() {
            do throws(TPMRC) {
                let handle = try TPMHandle(unmarshalling: &reader)
                try Self.checkHandleType(handle, spec.kind)
                handles.append(handle)
            } catch {
                throw error.atHandle(index + 1)
            }
        }
        return handles
    }

    /// The TPMI_DH_* / TPMI_RH_* checks of Part 2 (TPM_RC_VALUE for a handle of the wrong kind).
    static func checkHandleType(_ handle: TPMHandle, _ kind: HandleSpec.Kind) throws(TPMRC) {
        switch kind {
        case .pcr(let allowNull):
            guard handle.rawValue <= UInt32(PCRAttributes.lastIndex) || (allowNull && handle == .null) else {
                throw .value
            }
        case .permanent(let allowed):
            guard allowed.contains(handle) else { throw .value }
        case .object:
            guard handle.type == .transient || handle.type == .persistent else { throw .value }
        case .objectOrNull:
            guard handle.type == .transient || handle.type == .persistent || handle == .null else { throw .value }
        case .entityOrNull:
            let permanent: Set<TPMHandle> = [.owner, .endorsement, .platform, .lockout, .null]
            guard
                permanent.contains(handle) || [TPMHT.transient, .persistent, .nvIndex].contains(handle.type)
                    || handle.rawValue <= UInt32(PCRAttributes.lastIndex)
            else { throw .value }
        case .context:
            guard [TPMHT.transient, .hmacSession, .policySession].contains(handle.type) else { throw .value }
        case .parent:
            guard handle.type == .transient || handle.type == .persistent || TPMIRHHierarchy.members.contains(handle)
            else { throw .value }
        }
    }

    /// Every handle must refer to something present and enabled (ms-tpm EntityGetLoadStatus).
    private func checkHandlesPresent(_ handles: HandleArea, specs: [HandleSpec]) throws(TPMRC) {
        for (index, handle) in handles.enumerated() {
            switch handle.type {
            case .permanent:
                try checkHierarchyEnabled(handle, number: index + 1)
            case .transient, .persistent:
                guard let object = objects[handle] else { throw .referenceHandle(index) }
                // An object of a disabled hierarchy cannot be used (ms-tpm `ObjectIsVisible`... via
                // EntityGetLoadStatus).
                if let hierarchy = object.hierarchy, hierarchy != .null {
                    try checkHierarchyEnabled(hierarchy, number: index + 1)
                }
            case .hmacSession, .policySession:
                throw .referenceHandle(index)
            case .nvIndex:
                // NV indices arrive in a later stage; none is defined yet (ms-tpm NvIndexIsAccessible).
                throw TPMRC.handle.atHandle(index + 1)
            default:
                break
            }
        }
    }

    func checkHierarchyEnabled(_ handle: TPMHandle, number: Int) throws(TPMRC) {
        let enabled: Bool
        switch handle {
        case .owner: enabled = stateClear.shEnable
        case .endorsement: enabled = stateClear.ehEnable
        case .platform: enabled = phEnable
        case .null, .password, .lockout: enabled = true
        default: throw TPMRC.value.atHandle(number)
        }
        guard enabled else { throw TPMRC.hierarchy.atHandle(number) }
    }
}
