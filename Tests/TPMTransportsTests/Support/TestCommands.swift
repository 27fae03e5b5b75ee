// SPDX-License-Identifier: Apache-2.0

/// Raw TPM commands and response helpers for transport tests (the transports never parse them).
enum TestCommands {
    /// TPM2_Startup(TPM_SU_CLEAR).
    static let startupClear: [UInt8] = [0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x44, 0, 0]

    /// TPM2_GetRandom(count).
    static func getRandom(_ count: UInt16) -> [UInt8] {
        [0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01, 0x7B, UInt8(count >> 8), UInt8(truncatingIfNeeded: count)]
    }

    static let success: UInt32 = 0
    static let initialize: UInt32 = 0x100
    static let failure: UInt32 = 0x101
    static let commandSize: UInt32 = 0x142

    /// The response code of a TPM response (0xFFFFFFFF when there is no header).
    static func responseCode(_ response: [UInt8]) -> UInt32 {
        guard response.count >= 10 else { return 0xFFFF_FFFF }
        return word(response, at: 6)
    }

    static func word(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func words(_ values: UInt32...) -> [UInt8] {
        values.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
    }

    /// The mssim TPM_SEND_COMMAND frame for `command`.
    static func mssimFrame(_ command: [UInt8], locality: UInt8 = 0) -> [UInt8] {
        words(8) + [locality] + words(UInt32(command.count)) + command
    }

    /// The 10-byte error response swtpm sends while its TPM is not running (TPM_RC_FAILURE).
    static let notRunningResponse: [UInt8] = [0x80, 0x01, 0, 0, 0, 10, 0, 0, 0x01, 0x01]
}
