// SPDX-License-Identifier: Apache-2.0

import Logging

/// One accepted connection on a loop: reads into its input buffer, lets its session consume the bytes, and
/// carries out the step the session returns (replies are already written by then).
///
/// While replies wait for the socket to become writable, the connection reads nothing more: the client
/// must take its answers before it can send more questions.
final class ReactorConnection<Session: DataPortSession>: ReactorHandler {
    let descriptor: Descriptor
    var isListener: Bool { false }
    private var session: Session
    private var input: InputBuffer
    private var output: SocketWriter
    private let logger: Logger
    private var token: UInt64 = 0
    /// The sequence number of the session's armed timer.
    private var timer: UInt64?
    private var reading = true
    private var isOpen = true

    init(descriptor: Descriptor, session: Session, input: InputBuffer, logger: Logger) {
        self.descriptor = descriptor
        self.session = session
        self.input = input
        self.output = SocketWriter(descriptor: descriptor)
        self.logger = logger
    }

    /// Registers with `loop`; a connection that cannot be registered is closed at once.
    func start(loop: ReactorLoop) {
        do throws(TransportError) {
            token = try loop.register(self, for: .readable)
        } catch {
            logger.debug("connection cannot be served; closing", metadata: ["error": "\(error)"])
            loop.recycle(input)
            descriptor.close()
            isOpen = false
            return
        }
        loop.counters.connectionOpened()
        session.opened()
    }

    func handle(_ events: EpollEvents, loop: ReactorLoop) {
        if reading {
            receive(loop: loop)
        } else {
            flush(loop: loop)
        }
    }

    func timerExpired(_ sequence: UInt64, loop: ReactorLoop) {
        guard isOpen, timer == sequence else { return }
        timer = nil
        let step = session.timerExpired(&input, output: &output)
        carryOut(step, loop: loop)
    }

    func close(loop: ReactorLoop) {
        guard isOpen else { return }
        isOpen = false
        timer = nil
        loop.unregister(self)
        descriptor.close()
        loop.recycle(input)
        input = InputBuffer(capacity: 0)
        loop.counters.connectionClosed()
        session.closed()
    }

    private func receive(loop: ReactorLoop) {
        input.discardReadBytes()
        guard input.writableBytes > 0 else {
            // The sessions consume or reject any message before it can fill the buffer; if one did not,
            // framing is lost.
            logger.debug("input buffer full; closing")
            close(loop: loop)
            return
        }
        switch descriptor.read(into: &input) {
        case .transferred:
            let step = session.consume(&input, output: &output)
            carryOut(step, loop: loop)
        case .wouldBlock:
            return
        case .endOfStream:
            close(loop: loop)
        case .failed(let number):
            logger.debug("connection failed; closing", metadata: ["error": "\(Descriptor.error(.ioFailed, "recv()", errno: number))"])
            close(loop: loop)
        }
    }

    private func carryOut(_ step: SessionStep, loop: ReactorLoop) {
        if let failure = output.failure {
            logger.debug("connection failed; closing",
                         metadata: ["error": "\(Descriptor.error(.ioFailed, "send()", errno: failure))"])
            close(loop: loop)
            return
        }
        if step.close {
            close(loop: loop)
            return
        }
        if step.acknowledgeNow { descriptor.acknowledgeNow() }
        switch step.timer {
        case .unchanged: break
        case .arm(let delay): timer = loop.arm(after: delay, token: token)
        case .cancel: timer = nil
        }
        if output.hasPending, reading {
            reading = false
            loop.counters.replyDeferred()
            setInterest(.writable, loop: loop)
        }
    }

    private func flush(loop: ReactorLoop) {
        switch output.flush() {
        case .done:
            reading = true
            setInterest(.readable, loop: loop)
        case .pending:
            return
        case .failed:
            carryOut(.none, loop: loop)
        }
    }

    private func setInterest(_ events: EpollEvents, loop: ReactorLoop) {
        do throws(TransportError) {
            try loop.setInterest(self, token: token, events)
        } catch {
            logger.debug("connection cannot be served; closing", metadata: ["error": "\(error)"])
            close(loop: loop)
        }
    }
}
