// SPDX-License-Identifier: Apache-2.0

import TPMEngine

/// Frames the mssim command port. It peeks at the code and length fields before consuming anything, so a
/// partial message (tpm2-tss sends the 9-byte prefix and the command in separate writes) simply waits for
/// its remaining bytes, and no buffer is sized from a length before that length is checked.
///
/// Lengths above the reference's 1 MiB limit end the connection (the reference does the same); lengths the
/// TPM cannot take but the reference would read are skipped as they arrive, without buffering them.
///
/// A message cut short by the peer's close cannot be answered: the session drops whatever is incomplete.
struct MSSimCommandDecoder: Sendable {
    private enum State {
        case ready
        /// Dropping `remaining` payload bytes; `message` is delivered once they are gone.
        case skipping(remaining: Int, message: MSSimCommandMessage)
        /// A message ended the connection: everything after it is discarded.
        case finished
    }

    private var state = State.ready
    private let maximumCommandSize: Int

    init(maximumCommandSize: Int = TPMEngine.maxCommandSize) {
        self.maximumCommandSize = maximumCommandSize
    }

    /// The next complete message, consumed; nil (nothing consumed but skipped payload) until one is complete.
    /// Throws ``TransportError/Code/frameTooLarge`` for a length beyond the reference's limit.
    mutating func decode(buffer: inout InputBuffer) throws(TransportError) -> MSSimCommandMessage? {
        switch state {
        case .finished:
            buffer.moveReaderIndex(to: buffer.writerIndex)
            return nil
        case .skipping(let remaining, let message):
            let skipped = min(remaining, buffer.readableBytes)
            buffer.moveReaderIndex(forwardBy: skipped)
            guard skipped == remaining else {
                state = .skipping(remaining: remaining - skipped, message: message)
                return nil
            }
            state = .ready
            return message
        case .ready:
            guard let message = try decodeMessage(&buffer) else { return nil }
            if message.endsConnection { state = .finished }
            return message
        }
    }

    private mutating func decodeMessage(_ buffer: inout InputBuffer) throws(TransportError) -> MSSimCommandMessage? {
        let start = buffer.readerIndex
        guard let code = buffer.getInteger(at: start, as: UInt32.self) else { return nil }
        switch code {
        case MSSimProtocol.Command.sendCommand:
            guard let locality = buffer.getInteger(at: start + 4, as: UInt8.self),
                let length = try peekLength(buffer, at: start + 5)
            else { return nil }
            if length > maximumCommandSize {
                buffer.moveReaderIndex(forwardBy: 9)
                state = .skipping(remaining: length, message: .oversizedCommand(locality: locality, length: length))
                return try decode(buffer: &buffer)
            }
            guard buffer.readableBytes >= 9 + length else { return nil }
            buffer.moveReaderIndex(forwardBy: 9)
            guard let command = buffer.readBytes(length: length) else { return nil }
            return .sendCommand(locality: locality, command: command)
        case MSSimProtocol.Command.hashData:
            guard let length = try peekLength(buffer, at: start + 4) else { return nil }
            buffer.moveReaderIndex(forwardBy: 8)
            state = .skipping(remaining: length, message: .hashData(length: length))
            return try decode(buffer: &buffer)
        case MSSimProtocol.Command.remoteHandshake:
            guard let version = buffer.getInteger(at: start + 4, as: UInt32.self) else { return nil }
            buffer.moveReaderIndex(forwardBy: 8)
            return .handshake(clientVersion: version)
        case MSSimProtocol.Command.setAlternativeResult:
            guard let value = buffer.getInteger(at: start + 4, as: UInt32.self) else { return nil }
            buffer.moveReaderIndex(forwardBy: 8)
            return .setAlternativeResult(value)
        default:
            buffer.moveReaderIndex(forwardBy: 4)
            return Self.bareMessage(code)
        }
    }

    /// A u32 length field, nil if it has not fully arrived; throws when it exceeds the reference's limit.
    private func peekLength(_ buffer: InputBuffer, at index: Int) throws(TransportError) -> Int? {
        guard let length = buffer.getInteger(at: index, as: UInt32.self) else { return nil }
        guard length <= MSSimProtocol.maximumLength else {
            throw TransportError(.frameTooLarge, "mssim length \(length) exceeds \(MSSimProtocol.maximumLength)")
        }
        return Int(length)
    }

    private static func bareMessage(_ code: UInt32) -> MSSimCommandMessage {
        switch code {
        case MSSimProtocol.Command.hashStart: .hashStart
        case MSSimProtocol.Command.hashEnd: .hashEnd
        case MSSimProtocol.Command.sessionEnd: .sessionEnd
        case MSSimProtocol.Command.stop: .stop
        default: .unknown(code)
        }
    }
}
