// SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging

/// A busy connection served on a thread of its own with blocking reads, until it falls idle.
///
/// On a loop, every command costs three system calls (`epoll_wait`, `recv`, `send`); here it costs two, since
/// the blocking `recv` is the wait. That is about 0.6 µs of a 14 µs loopback round trip, the difference between
/// trailing swtpm (which polls one connection per process) and leading it. Threads are the scarce resource,
/// so a connection gets one only once it has shown it is busy (a second command on it, see
/// ``ConnectionState/readsBeforeThread``), at most ``ConnectionThreads/limit`` at a time, and gives it back
/// after ``ConnectionThreads/idleTimeout`` (1 s) without a byte: the loop takes the connection over again, so
/// thousands of idle connections still cost one epoll registration each.
///
/// The session, its buffers and its replies are the same values the loop used (``ConnectionState``), moved
/// here and back; only the waiting differs. A session timer becomes the receive timeout. A reply the kernel
/// cannot take within ``sendTimeout`` sends the connection back to its loop, which waits for EPOLLOUT as it
/// always does, so a client that stops reading holds no thread.
struct ThreadedConnection<Session: ThreadableSession>: Sendable {
    /// How long a reply may wait for room in the socket before the connection goes back to its loop.
    static var sendTimeout: Duration { .milliseconds(100) }

    private enum Next { case serve, close, giveBack }

    private var state: ConnectionState<Session>
    private let home: ReactorLoopControl
    private let threads: ConnectionThreads
    private let counters: ReactorCounters
    /// When the session's timer runs out (``MonotonicClock`` nanoseconds), while one is armed.
    private var deadline: UInt64?

    /// Starts a thread for `state`, whose descriptor the caller has claimed from `threads` and taken out of
    /// its loop's epoll set.
    static func start(
        _ state: ConnectionState<Session>, home: ReactorLoopControl, threads: ConnectionThreads,
        counters: ReactorCounters
    ) {
        let connection = ThreadedConnection(state: state, home: home, threads: threads, counters: counters)
        let thread = Thread {
            var connection = connection
            connection.run()
        }
        thread.name = "vtpm-connection"
        thread.start()
    }

    private init(
        state: ConnectionState<Session>, home: ReactorLoopControl, threads: ConnectionThreads,
        counters: ReactorCounters
    ) {
        self.state = state
        self.home = home
        self.threads = threads
        self.counters = counters
    }

    private var descriptor: Descriptor { state.descriptor }

    private mutating func run() {
        guard descriptor.setBlocking(true) else { return giveBack() }
        descriptor.setReceiveTimeout(threads.idleTimeout)
        descriptor.setSendTimeout(Self.sendTimeout)
        var next = Next.serve
        while next == .serve {
            next = receive()
        }
        if next == .close {
            close(released: false)
        } else {
            giveBack()
        }
    }

    private mutating func receive() -> Next {
        switch state.readAndConsume() {
        case .step(let step): return carryOut(step)
        case .nothing: return receiveTimedOut()
        case .closed: return .close
        }
    }

    /// The receive timeout ran out (or a signal cut the wait short): the session's timer, or idleness.
    private mutating func receiveTimedOut() -> Next {
        guard let deadline else { return .giveBack }
        let now = MonotonicClock.now()
        guard now >= deadline else {
            descriptor.setReceiveTimeout(.nanoseconds(deadline - now))
            return .serve
        }
        self.deadline = nil
        descriptor.setReceiveTimeout(threads.idleTimeout)
        let step = state.session.timerExpired(&state.input, output: &state.output)
        return carryOut(step)
    }

    /// What ``ConnectionState`` does after a step on a loop, with the timer as the receive timeout.
    private mutating func carryOut(_ step: SessionStep) -> Next {
        guard state.continues(after: step) else { return .close }
        switch step.timer {
        case .unchanged:
            break
        case .arm(let delay):
            deadline = MonotonicClock.now() &+ MonotonicClock.nanoseconds(delay)
            descriptor.setReceiveTimeout(delay)
        case .cancel:
            if deadline != nil {
                deadline = nil
                descriptor.setReceiveTimeout(threads.idleTimeout)
            }
        }
        if state.output.hasPending {
            state.reading = false
            return .giveBack
        }
        return .serve
    }

    /// Hands the connection back to its loop, with what is left of the session's timer; closes it instead
    /// when the reactor is stopping.
    private func giveBack() {
        let nonBlocking = descriptor.setBlocking(false)
        guard threads.release(descriptor), nonBlocking else {
            return state.close(counting: counters)
        }
        let now = MonotonicClock.now()
        let timer = deadline.map { Duration.nanoseconds($0 > now ? $0 - now : 0) }
        if !home.giveBack(Session.returning(state, timer: timer)) {
            // The loop has closed for good (shutdown) and will not take it.
            state.close(counting: counters)
        }
    }

    private func close(released: Bool) {
        if !released { _ = threads.release(descriptor) }
        state.close(counting: counters)
    }
}
