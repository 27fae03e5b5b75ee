// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// Part 3, 28: Context Management. Saving and loading contexts arrive with keys.
enum ContextCommands {
    static let all = [CommandDescriptor(FlushContext.self)]
}

/// TPM2_FlushContext — Part 3, 28.4: removes a loaded object (or session) from the TPM.
///
/// - TPM_RC_HANDLE (parameter 1): nothing is loaded at the handle.
enum FlushContext: TPMCommand {
    static let code = TPMCC.flushContext
    static let flags: CommandFlags = [.noSessions]

    struct Request: CommandRequest {
        var flushHandle: TPMHandle
        init(parameters: inout ParameterReader) throws(TPMRC) {
            flushHandle = try parameters.next { reader throws(TPMRC) in
                let handle = try TPMHandle(unmarshalling: &reader)
                try TPMEngine.checkHandleType(handle, .context)
                return handle
            }
        }
    }

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> NoParameters {
        let handle = request.flushHandle
        switch handle.type {
        case .transient where tpm.objects[handle] != nil:
            tpm.objects.remove(handle)
        case .hmacSession where tpm.sessions.isOccupied(handle), .policySession where tpm.sessions.isOccupied(handle):
            // The slot decides, not the handle's session type (ms-tpm SessionIsLoaded).
            tpm.sessions.remove(handle)
        default:
            throw TPMRC.handle.atParameter(1)
        }
        return NoParameters()
    }
}
