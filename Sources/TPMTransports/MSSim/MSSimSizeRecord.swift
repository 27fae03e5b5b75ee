// SPDX-License-Identifier: Apache-2.0

/// The largest command and response an instance has handled since the platform port last reported them
/// (TPM_GET_COMMAND_RESPONSE_SIZES). A diagnostic of the reference simulator, kept because it is cheap.
struct MSSimSizeRecord: Hashable, Sendable {
    var largestCommandSize: UInt32 = 0
    /// Bytes 6..<10 of that command (its command code), as they were on the wire.
    var largestCommand: [UInt8] = [0, 0, 0, 0]
    var largestResponseSize: UInt32 = 0
    /// Bytes 6..<10 of that response (its response code), as they were on the wire.
    var largestResponse: [UInt8] = [0, 0, 0, 0]

    mutating func note(command: [UInt8]) {
        guard command.count > largestCommandSize else { return }
        largestCommandSize = UInt32(command.count)
        largestCommand = Self.codeBytes(command)
    }

    mutating func note(response: [UInt8]) {
        guard response.count > largestResponseSize else { return }
        largestResponseSize = UInt32(response.count)
        largestResponse = Self.codeBytes(response)
    }

    /// The 16-byte report. The reference sends its C structure as it sits in memory, so the two sizes are
    /// little-endian on every host it runs on (x86, Arm) while the codes keep their wire order; we send the
    /// same bytes.
    var encoded: [UInt8] {
        Self.littleEndian(largestCommandSize) + largestCommand + Self.littleEndian(largestResponseSize)
            + largestResponse
    }

    private static func codeBytes(_ bytes: [UInt8]) -> [UInt8] {
        bytes.count >= 10 ? Array(bytes[6..<10]) : [0, 0, 0, 0]
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}
