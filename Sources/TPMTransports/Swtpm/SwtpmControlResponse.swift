// SPDX-License-Identifier: Apache-2.0

/// One control-channel reply, laid out as swtpm lays out its C response structures (big-endian fields,
/// the compiler's padding included).
enum SwtpmControlResponse: Hashable, Sendable {
    /// A bare result word (ptm_res).
    case result(SwtpmResult)
    /// CMD_GET_CAPABILITY: a u64 bitmap and no result word.
    case capabilities(SwtpmCapabilities)
    /// CMD_GET_TPMESTABLISHED: result, the bit as one byte, three bytes of padding.
    case established(Bool)
    /// CMD_SET_BUFFERSIZE: result, size in use, minimum, maximum.
    case bufferSize(current: UInt32, minimum: UInt32, maximum: UInt32)
    /// CMD_GET_CONFIG: result and PTM_CONFIG_FLAG_* (no file or migration key: 0).
    case configuration(flags: UInt32)

    var encoded: [UInt8] {
        switch self {
        case .result(let result): Self.words(result.rawValue)
        case .capabilities(let capabilities):
            Self.words(
                UInt32(truncatingIfNeeded: capabilities.rawValue >> 32),
                UInt32(truncatingIfNeeded: capabilities.rawValue))
        case .established(let bit): Self.words(SwtpmResult.success.rawValue) + [bit ? 1 : 0, 0, 0, 0]
        case .bufferSize(let current, let minimum, let maximum):
            Self.words(SwtpmResult.success.rawValue, current, minimum, maximum)
        case .configuration(let flags): Self.words(SwtpmResult.success.rawValue, flags)
        }
    }

    private static func words(_ values: UInt32...) -> [UInt8] {
        values.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
    }
}
