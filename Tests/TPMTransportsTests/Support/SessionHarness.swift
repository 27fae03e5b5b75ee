// SPDX-License-Identifier: Apache-2.0

import Logging
import VTPMManager

@testable import TPMTransports

/// A data-port session driven from memory the way the reactor drives it from a socket: input arrives in
/// reads no larger than the free space of the connection's buffer, every reply is recorded as one write,
/// and time is virtual.
final class SessionHarness<Session: DataPortSession> {
    let served: ServedInstance
    private var session: Session
    private var input = InputBuffer(capacity: Session.inputCapacity)
    private var recorder = ReplyRecorder()
    private var now = Duration.zero
    private var deadline: Duration?
    /// False once the session closed the connection (or the peer did).
    private(set) var isActive = true
    /// How many reads asked for an immediate ACK (TCP_QUICKACK).
    private(set) var acknowledgements = 0

    init(instance: VTPMInstance? = nil) throws {
        let instance = try instance ?? InstanceManager(stateDirectory: nil).open(InstanceID(0))
        served = ServedInstance(instance, logger: Logger(label: "test.session"))
        session = Session(served: served, logger: served.logger)
        session.opened()
    }

    var instance: VTPMInstance { served.instance }

    /// Feeds `bytes` whole (`chunk` nil) or in pieces of `chunk` bytes. Input after a close is dropped.
    func feed(_ bytes: [UInt8], chunk: Int? = nil) {
        let size = max(1, chunk ?? bytes.count)
        var offset = 0
        while offset < bytes.count, isActive {
            deliver(bytes[offset..<min(offset + size, bytes.count)])
            offset += size
        }
    }

    /// Moves the virtual clock; an armed timer that runs out fires.
    func advanceTime(by duration: Duration) {
        now += duration
        guard isActive, let due = deadline, due <= now else { return }
        deadline = nil
        carryOut(session.timerExpired(&input, output: &recorder))
    }

    /// The peer closes the connection.
    func peerClosed() {
        guard isActive else { return }
        isActive = false
        session.closed()
    }

    /// The writes the session made since the last call, one array per write.
    func writes() -> [[UInt8]] {
        defer { recorder.writes = [] }
        return recorder.writes
    }

    /// All bytes written since the last call.
    func output() -> [UInt8] { writes().flatMap { $0 } }

    /// Sends one message and returns the reply, checking it came as exactly one write.
    func roundTrip(_ bytes: [UInt8], chunk: Int? = nil) -> [UInt8]? {
        feed(bytes, chunk: chunk)
        let writes = writes()
        guard writes.count == 1 else { return nil }
        return writes[0]
    }

    /// What one socket read does: as much as fits, then the session consumes it.
    private func deliver(_ piece: ArraySlice<UInt8>) {
        var rest = piece
        while !rest.isEmpty, isActive {
            input.discardReadBytes()
            let count = min(rest.count, input.writableBytes)
            guard count > 0 else {
                isActive = false
                return
            }
            input.writeBytes(rest.prefix(count))
            rest = rest.dropFirst(count)
            carryOut(session.consume(&input, output: &recorder))
        }
    }

    private func carryOut(_ step: SessionStep) {
        if step.acknowledgeNow { acknowledgements += 1 }
        switch step.timer {
        case .unchanged: break
        case .arm(let delay): deadline = now + delay
        case .cancel: deadline = nil
        }
        if step.close {
            isActive = false
            session.closed()
        }
    }
}

/// Records a session's replies.
struct ReplyRecorder: SessionOutput {
    var writes: [[UInt8]] = []

    mutating func send(_ bytes: [UInt8]) {
        writes.append(bytes)
    }

    mutating func sendFramed(_ bytes: [UInt8]) {
        let count = UInt32(bytes.count)
        writes.append(
            [
                UInt8(count >> 24), UInt8(truncatingIfNeeded: count >> 16),
                UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count),
            ] + bytes + [0, 0, 0, 0])
    }
}
