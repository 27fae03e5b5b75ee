// SPDX-License-Identifier: Apache-2.0

import Logging
import Synchronization
import TPMWire
import VTPMManager

/// One connection of the mssim command port (P): runs TPM commands and answers the simulator's side
/// messages as the reference server does.
///
/// The TPM command runs synchronously on the reactor's loop thread. STYLE's advice is NIOAsyncChannel with
/// a task per connection; we deviate on this path because each hop between an event loop and Swift
/// concurrency costs a thread switch, which is as long as the whole loopback round trip we must match.
/// `VTPMInstance.execute` is synchronous and serializes commands per instance with its own lock, so running
/// it here is safe.
struct MSSimCommandSession: DataPortSession {
    /// Room for the largest message the decoder buffers (a 9-byte prefix and a 4096-byte command), twice.
    static let inputCapacity = 8192

    private let served: ServedInstance
    private let logger: Logger
    /// Whether commands are logged (the logger's level, read once).
    private let logsCommands: Bool
    private var decoder = MSSimCommandDecoder()

    init(served: ServedInstance, logger: Logger) {
        self.served = served
        self.logger = logger
        self.logsCommands = logger.logLevel <= .debug
    }

    func opened() { logger.debug("mssim command connection opened") }

    func closed() { logger.debug("mssim command connection closed") }

    mutating func consume<Output: SessionOutput>(_ input: inout InputBuffer, output: inout Output) -> SessionStep {
        var answered = false
        while true {
            let message: MSSimCommandMessage
            do throws(TransportError) {
                guard let decoded = try decoder.decode(buffer: &input) else { break }
                message = decoded
            } catch {
                logger.debug("mssim command connection failed; closing", metadata: ["error": "\(error)"])
                return SessionStep(close: true)
            }
            answered = true
            guard answer(message, output: &output) else { return SessionStep(close: true) }
        }
        // A reply carries the ACK; a read that only brought part of a message needs one of its own.
        return SessionStep(acknowledgeNow: !answered)
    }

    mutating func timerExpired<Output: SessionOutput>(
        _ input: inout InputBuffer, output: inout Output
    )
        -> SessionStep
    {
        .none
    }

    /// Answers one message; false when the connection ends with it.
    private func answer<Output: SessionOutput>(_ message: MSSimCommandMessage, output: inout Output) -> Bool {
        switch message {
        case .sendCommand(let locality, let command):
            let response = served.execute(command, locality: locality, logger: logger, logged: logsCommands) ?? []
            served.sizeRecord.withLock { record in
                record.note(command: command)
                record.note(response: response)
            }
            output.sendFramed(response)
        case .oversizedCommand(_, let length):
            logger.debug("command larger than the TPM accepts", metadata: ["length": "\(length)"])
            // What the engine answers for such a command, or nothing while off, as for any command.
            output.sendFramed(served.instance.isPowered ? ResponseHeader.errorResponse(.commandSize) : [])
        case .handshake(let version) where version != 0:
            output.sendWords(MSSimProtocol.serverVersion, MSSimProtocol.EndpointFlags.served, 0)
        case .setAlternativeResult:
            output.sendWords(0)
        case .hashStart, .hashData, .hashEnd:
            // TODO(DRTM stage): map onto PlatformControl hash start / data / end (_TPM_Hash_Start, _Data,
            // _End), which the manager does not offer yet. Until then the sequence is acknowledged and ignored.
            output.sendWords(0)
        case .handshake, .sessionEnd, .stop, .unknown:
            // TPM_STOP ends this connection only: the daemon serves other clients and instances, so a client
            // cannot stop it (the reference simulator exits its accept loop instead).
            logger.debug("mssim command connection ends", metadata: ["message": "\(message)"])
            return false
        }
        return true
    }
}
