// SPDX-License-Identifier: Apache-2.0

/// One message from a client on the mssim command port, decoded by ``MSSimCommandDecoder``.
enum MSSimCommandMessage: Hashable, Sendable {
    /// TPM_SEND_COMMAND with a command the TPM can take.
    case sendCommand(locality: UInt8, command: [UInt8])
    /// TPM_SEND_COMMAND whose length exceeds the TPM's command buffer: its bytes were skipped without being
    /// stored, and the TPM's answer (TPM_RC_COMMAND_SIZE) is known without running it.
    case oversizedCommand(locality: UInt8, length: Int)
    /// TPM_REMOTE_HANDSHAKE; version 0 is refused by closing the connection.
    case handshake(clientVersion: UInt32)
    /// TPM_SET_ALTERNATIVE_RESULT: read and acknowledged; the reference ignores the value too.
    case setAlternativeResult(UInt32)
    /// TPM_SIGNAL_HASH_START, _DATA (its bytes skipped) and _END.
    case hashStart
    case hashData(length: Int)
    case hashEnd
    /// TPM_SESSION_END and TPM_STOP: both end this connection only.
    case sessionEnd
    case stop
    /// A code the protocol does not define; the reference drops the connection without a reply.
    case unknown(UInt32)

    /// Whether this message ends the connection (nothing after it is read).
    var endsConnection: Bool {
        switch self {
        case .sessionEnd, .stop, .unknown: true
        case .handshake(let version): version == 0
        default: false
        }
    }
}
