// SPDX-License-Identifier: Apache-2.0

/// One control-channel request, parsed from a command code and the request bytes that arrived with it.
///
/// The length rules are swtpm's: verbs without a request want none ("n != 0" is TPM_BAD_PARAMETER), and
/// verbs with one want at least its size; CMD_INIT wants exactly four bytes.
enum SwtpmControlRequest: Hashable, Sendable {
    case getCapability
    /// PTM_INIT_FLAG_DELETE_VOLATILE is bit 0 of `flags`.
    case initialize(flags: UInt32)
    case shutdown
    case stop
    case getEstablished
    case resetEstablished(locality: UInt8)
    case setLocality(UInt8)
    case cancelCommand
    /// 0 asks for the current size without changing it.
    case setBufferSize(UInt32)
    case getConfig
    /// A known verb whose request has the wrong length.
    case malformed(SwtpmControlCode)
    /// A later-stage verb, or a code swtpm does not know.
    case unsupported(SwtpmControlCode)

    static let deleteVolatileFlag: UInt32 = 1 << 0

    init(code: SwtpmControlCode, body: ArraySlice<UInt8>) {
        switch code {
        case .getCapability: self = .getCapability
        case .initialize:
            self = body.count == 4 ? .initialize(flags: Self.bigEndianUInt32(body)) : .malformed(code)
        case .shutdown: self = body.isEmpty ? .shutdown : .malformed(code)
        case .stop: self = body.isEmpty ? .stop : .malformed(code)
        case .getEstablished: self = body.isEmpty ? .getEstablished : .malformed(code)
        case .cancelCommand: self = body.isEmpty ? .cancelCommand : .malformed(code)
        case .getConfig: self = body.isEmpty ? .getConfig : .malformed(code)
        case .resetEstablished:
            self = body.first.map { .resetEstablished(locality: $0) } ?? .malformed(code)
        case .setLocality:
            self = body.first.map { .setLocality($0) } ?? .malformed(code)
        case .setBufferSize:
            self = body.count >= 4 ? .setBufferSize(Self.bigEndianUInt32(body)) : .malformed(code)
        default:
            self = .unsupported(code)
        }
    }

    private static func bigEndianUInt32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }
}
