// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// Part 3, 10: Testing. A virtual TPM's algorithms are tested by swift-crypto's own known-answer checks at
/// load, so every self-test completes at once and nothing is left to test.
enum TestingCommands {
    static let all = [
        CommandDescriptor(SelfTest.self), CommandDescriptor(IncrementalSelfTest.self),
        CommandDescriptor(GetTestResult.self),
    ]
}

/// TPM2_SelfTest — Part 3, 10.2.
enum SelfTest: TPMCommand {
    static let code = TPMCC.selfTest
    static let flags: CommandFlags = [.nvWrite]

    struct Request: CommandRequest {
        var fullTest: Bool
        init(parameters: inout ParameterReader) throws(TPMRC) { fullTest = try parameters.next() }
    }

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> NoParameters {
        tpm.selfTestDone = true
        return NoParameters()
    }
}

/// TPM2_IncrementalSelfTest — Part 3, 10.3: tests the listed algorithms, returns those still untested.
enum IncrementalSelfTest: TPMCommand {
    static let code = TPMCC.incrementalSelfTest
    static let flags: CommandFlags = [.nvWrite]

    struct Request: CommandRequest {
        var toTest: TPMLAlg
        init(parameters: inout ParameterReader) throws(TPMRC) { toTest = try parameters.next() }
    }

    struct Response: CommandResponse {
        var toDoList: TPMLAlg
        func marshal(into writer: inout TPMWriter) { toDoList.marshal(into: &writer) }
    }

    static func run(_ request: Request, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> Response {
        Response(toDoList: try TPMLAlg([]))
    }
}

/// TPM2_GetTestResult — Part 3, 10.4.
enum GetTestResult: TPMCommand {
    static let code = TPMCC.getTestResult
    static let flags: CommandFlags = [.encryptResponse]

    struct Response: CommandResponse {
        var outData: TPM2BMaxBuffer
        var testResult: TPMRC
        func marshal(into writer: inout TPMWriter) {
            outData.marshal(into: &writer)
            writer.writeInteger(testResult.rawValue)
        }
    }

    static func run(_ request: NoParameters, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> Response {
        Response(outData: .empty, testResult: .success)
    }
}
