// SPDX-License-Identifier: Apache-2.0

import TPMWire

/// Part 3, 29: Clocks and Timers.
enum ClockCommands {
    static let all = [CommandDescriptor(ReadClock.self)]
}

/// TPM2_ReadClock — Part 3, 29.1.
enum ReadClock: TPMCommand {
    static let code = TPMCC.readClock

    struct Response: CommandResponse {
        var currentTime: TPMSTimeInfo
        func marshal(into writer: inout TPMWriter) { currentTime.marshal(into: &writer) }
    }

    static func run(_ request: NoParameters, _ command: CommandInfo, _ tpm: inout TPMEngine) throws(TPMRC) -> Response {
        Response(currentTime: TPMSTimeInfo(time: tpm.time, clockInfo: tpm.clockInfo))
    }
}
