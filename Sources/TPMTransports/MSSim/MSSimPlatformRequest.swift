// SPDX-License-Identifier: Apache-2.0

/// One signal from a client on the mssim platform port, decoded by ``MSSimPlatformDecoder``.
enum MSSimPlatformRequest: Hashable, Sendable {
    case powerOn, powerOff
    case physicalPresence(on: Bool)
    case cancel(on: Bool)
    case nv(on: Bool)
    case keyCache(on: Bool)
    /// _TPM_Init on a powered TPM.
    case reset
    /// A clock discontinuity notice.
    case restart
    case sessionEnd, stop
    case getCommandResponseSizes
    case actGetSignaled(handle: UInt32)
    case testFailureMode
    /// A signal the protocol does not define: answered with 1, then the connection closes.
    case unknown(UInt32)

    /// Whether the connection ends after this request (after its reply, if it has one).
    var endsConnection: Bool {
        switch self {
        case .sessionEnd, .stop, .unknown: true
        default: false
        }
    }

    /// The request for a signal that needs no operand; nil for TPM_ACT_GET_SIGNALED, which has one.
    init?(signal: UInt32) {
        typealias S = MSSimProtocol.Signal
        switch signal {
        case S.powerOn: self = .powerOn
        case S.powerOff: self = .powerOff
        case S.physicalPresenceOn, S.physicalPresenceOff: self = .physicalPresence(on: signal == S.physicalPresenceOn)
        case S.cancelOn, S.cancelOff: self = .cancel(on: signal == S.cancelOn)
        case S.nvOn, S.nvOff: self = .nv(on: signal == S.nvOn)
        case S.keyCacheOn, S.keyCacheOff: self = .keyCache(on: signal == S.keyCacheOn)
        case S.reset: self = .reset
        case S.restart: self = .restart
        case S.sessionEnd: self = .sessionEnd
        case S.stop: self = .stop
        case S.getCommandResponseSizes: self = .getCommandResponseSizes
        case S.testFailureMode: self = .testFailureMode
        case S.actGetSignaled: return nil
        default: self = .unknown(signal)
        }
    }
}
