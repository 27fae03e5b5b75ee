// SPDX-License-Identifier: Apache-2.0

import Logging

/// Everything a ``ReactorConnection`` changes while it serves a readiness event or a timer, as one value.
///
/// The connection calls into it through one mutating access to its stored property, so the only run-time
/// exclusivity check of an event is that one; everything below works on `self` and the loop passed `inout`,
/// which the compiler checks statically (separate class properties cost a check per access, 2% of the
/// daemon's CPU time when measured).
struct ConnectionState<Session: DataPortSession>: Sendable {
    typealias Outcome = ConnectionOutcome

    /// Reads that brought bytes before a quiet connection may move to a thread of its own
    /// (``ThreadedConnection``): two, so that tpm2-tss's one-command swtpm connections never move.
    static var readsBeforeThread: Int { 2 }

    let descriptor: Descriptor
    /// The loop registration's token; a new one each time the connection comes back from its own thread.
    var token: UInt64
    let logger: Logger
    var session: Session
    var input: InputBuffer
    var output: SocketWriter
    /// The sequence number of the session's armed timer.
    var timer: UInt64?
    /// False while replies wait for the socket to become writable: nothing more is read meanwhile, so a
    /// client must take its answers before it can send more questions.
    var reading = true
    /// Reads that brought bytes (counted up to ``readsBeforeThread``).
    var reads = 0

    /// A new connection's state; its input buffer comes from the loop's spares.
    init(descriptor: Descriptor, token: UInt64, served: ServedInstance, logger: Logger, loop: inout ReactorLoop) {
        self.descriptor = descriptor
        self.token = token
        self.logger = logger
        self.session = Session(served: served, logger: logger)
        self.input = loop.takeBuffer(capacity: Session.inputCapacity)
        self.output = SocketWriter(descriptor: descriptor)
        session.opened()
    }

    /// Returns the input buffer to the loop and logs the end (the descriptor is closed by the caller).
    func finish(loop: inout ReactorLoop) {
        loop.recycle(input)
        session.closed()
    }

    /// Ends a connection that is not on a loop (it has its own thread, or is on its way back): logs the end,
    /// closes the descriptor and counts it.
    func close(counting counters: ReactorCounters) {
        session.closed()
        descriptor.close()
        counters.connectionClosed()
    }

    /// Nothing half-done: no partial message, no reply waiting, no timer. Only such a connection changes
    /// threads, so neither side ever has to hand over a timer or a blocked write.
    var isQuiet: Bool {
        reading && timer == nil && input.readableBytes == 0 && !output.hasPending
    }

    mutating func handle(_ events: EpollEvents, loop: inout ReactorLoop) -> Outcome {
        reading ? receive(loop: &loop) : flush(loop: &loop)
    }

    mutating func timerExpired(_ sequence: UInt64, loop: inout ReactorLoop) -> Outcome {
        guard timer == sequence else { return .open }
        timer = nil
        let step = session.timerExpired(&input, output: &output)
        return carryOut(step, loop: &loop)
    }

    /// What one read led to: the session's step after consuming new bytes, nothing yet, or the end.
    enum ReadResult {
        case step(SessionStep)
        case nothing
        case closed
    }

    /// Reads once into the input buffer and lets the session consume what arrived. Shared by the loop and a
    /// connection's own thread (``ThreadedConnection``), which differ only in how they wait.
    mutating func readAndConsume() -> ReadResult {
        input.discardReadBytes()
        guard input.writableBytes > 0 else {
            // The sessions consume or reject any message before it can fill the buffer; if one did not,
            // framing is lost.
            logger.debug("input buffer full; closing")
            return .closed
        }
        switch descriptor.read(into: &input) {
        case .transferred:
            return .step(session.consume(&input, output: &output))
        case .wouldBlock:
            return .nothing
        case .endOfStream:
            return .closed
        case .failed(let number):
            logger.debug(
                "connection failed; closing",
                metadata: ["error": "\(Descriptor.error(.ioFailed, "recv()", errno: number))"])
            return .closed
        }
    }

    /// The part of carrying out a step that does not depend on the driver: a failed send or the session's
    /// wish ends the connection (false), and an early ACK goes out.
    func continues(after step: SessionStep) -> Bool {
        if let failure = output.failure {
            logger.debug(
                "connection failed; closing",
                metadata: ["error": "\(Descriptor.error(.ioFailed, "send()", errno: failure))"])
            return false
        }
        if step.close { return false }
        if step.acknowledgeNow { descriptor.acknowledgeNow() }
        return true
    }

    private mutating func receive(loop: inout ReactorLoop) -> Outcome {
        switch readAndConsume() {
        case .step(let step):
            let outcome = carryOut(step, loop: &loop)
            if reads < Self.readsBeforeThread { reads += 1 }
            return outcome == .open && reads >= Self.readsBeforeThread && isQuiet ? .busy : outcome
        case .nothing:
            return .open
        case .closed:
            return .closed
        }
    }

    private mutating func carryOut(_ step: SessionStep, loop: inout ReactorLoop) -> Outcome {
        guard continues(after: step) else { return .closed }
        switch step.timer {
        case .unchanged: break
        case .arm(let delay): timer = loop.arm(after: delay, token: token)
        case .cancel: timer = nil
        }
        if output.hasPending, reading {
            reading = false
            loop.counters.replyDeferred()
            return setInterest(.writable, loop: &loop)
        }
        return .open
    }

    private mutating func flush(loop: inout ReactorLoop) -> Outcome {
        switch output.flush() {
        case .done:
            reading = true
            return setInterest(.readable, loop: &loop)
        case .pending:
            return .open
        case .failed:
            return carryOut(.none, loop: &loop)
        }
    }

    private func setInterest(_ events: EpollEvents, loop: inout ReactorLoop) -> Outcome {
        do throws(TransportError) {
            try loop.setInterest(descriptor, token: token, events)
            return .open
        } catch {
            logger.debug("connection cannot be served; closing", metadata: ["error": "\(error)"])
            return .closed
        }
    }
}

/// Whether a connection goes on after an event.
enum ConnectionOutcome: Hashable {
    case open, closed
    /// Open, quiet (``ConnectionState/isQuiet``) and busy enough to deserve a thread of its own.
    case busy
}
