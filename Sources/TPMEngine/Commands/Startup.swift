// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// Part 3, 9: Start-up.
enum StartupCommands {
    static let all = [CommandDescriptor(Startup.self), CommandDescriptor(Shutdown.self)]
}

/// TPM2_Startup — Part 3, 9.3.
///
/// - TPM_RC_VALUE (parameter 1): STATE without a preceding Shutdown(STATE).
/// - TPM_RC_LOCALITY: a locality other than 0 or 3, or a Resume from a different startup locality.
/// - TPM_RC_INITIALIZE (from the pipeline): the TPM has already started.
enum Startup: TPMCommand {
    static let code = TPMCC.startup
    static let flags: CommandFlags = [.nvWrite, .noSessions]

    struct Request: CommandRequest {
        var startupType: TPMSU
        init(parameters: inout ParameterReader) throws(TPMRC) {
            startupType = try parameters.next(TPMSU.validated)
        }
    }

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> NoParameters {
        try tpm.startup(request.startupType, locality: command.locality)
        return NoParameters()
    }
}

/// TPM2_Shutdown — Part 3, 9.4.
///
/// - TPM_RC_TYPE (parameter 1): STATE after TPM2_PCR_Allocate changed the allocation.
enum Shutdown: TPMCommand {
    static let code = TPMCC.shutdown
    static let flags: CommandFlags = [.nvWrite]

    struct Request: CommandRequest {
        var shutdownType: TPMSU
        init(parameters: inout ParameterReader) throws(TPMRC) {
            shutdownType = try parameters.next(TPMSU.validated)
        }
    }

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> NoParameters {
        try tpm.shutdown(request.shutdownType)
        return NoParameters()
    }
}
