// SPDX-License-Identifier: Apache-2.0

import TPMCrypto
import TPMWire

/// Part 3, 16: Random Number Generator.
enum RandomCommands {
    static let all = [CommandDescriptor(GetRandom.self), CommandDescriptor(StirRandom.self)]
}

/// TPM2_GetRandom — Part 3, 16.1. Requests above the largest digest (64 bytes) are shortened to it.
enum GetRandom: TPMCommand {
    static let code = TPMCC.getRandom
    static let flags: CommandFlags = [.encryptResponse]

    struct Request: CommandRequest {
        var bytesRequested: UInt16
        init(parameters: inout ParameterReader) throws(TPMRC) { bytesRequested = try parameters.next() }
    }

    struct Response: CommandResponse {
        var randomBytes: TPM2BDigest
        func marshal(into writer: inout TPMWriter) { randomBytes.marshal(into: &writer) }
    }

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> Response {
        let count = min(Int(request.bytesRequested), TPM2BDigest.maxSize)
        return Response(randomBytes: try TPM2BDigest(tpm.random(count)))
    }
}

/// TPM2_StirRandom — Part 3, 16.2: mixes caller data into the DRBG as additional input.
enum StirRandom: TPMCommand {
    static let code = TPMCC.stirRandom
    static let flags: CommandFlags = [.nvWrite, .decryptCommand]

    struct Request: CommandRequest {
        var inData: TPM2BSensitiveData
        init(parameters: inout ParameterReader) throws(TPMRC) { inData = try parameters.next() }
    }

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> NoParameters {
        tpm.drbg.reseed(
            entropy: tpm.platform.entropySource.entropy(count: CTRDRBG.seedLength),
            additionalInput: request.inData.buffer)
        return NoParameters()
    }
}
