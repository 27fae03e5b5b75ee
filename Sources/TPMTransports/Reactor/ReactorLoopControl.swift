// SPDX-License-Identifier: Apache-2.0

import Synchronization

/// The thread-safe side of one ``ReactorLoop``: another thread asks it to stop (an atomic flag, then the
/// doorbell) and waits until it has closed everything; connection threads give their connections back
/// (a list, then the doorbell).
final class ReactorLoopControl: Sendable {
    private struct State {
        var finished = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var returned: [ReturningConnection] = []
        /// Set when the loop has closed its connections for good: nothing is taken back after that.
        var returnsClosed = false
    }

    let doorbell: Doorbell
    private let stopRequested = Atomic<Bool>(false)
    private let state = Mutex(State())

    init(doorbell: Doorbell) {
        self.doorbell = doorbell
    }

    var isStopRequested: Bool { stopRequested.load(ordering: .acquiring) }

    /// Makes the loop close its listeners and connections and return from `run()`.
    func requestStop() {
        stopRequested.store(true, ordering: .releasing)
        // Under the lock, so that the doorbell is never rung after markFinished() closed it.
        state.withLock { state in
            if !state.finished { doorbell.ring() }
        }
    }

    /// Queues a connection for the loop to take back; false if the loop has stopped taking them.
    func giveBack(_ connection: ReturningConnection) -> Bool {
        state.withLock { state in
            guard !state.returnsClosed else { return false }
            state.returned.append(connection)
            doorbell.ring()
            return true
        }
    }

    /// The connections given back since the last call (on the loop's thread, after its doorbell rang).
    func takeReturned() -> [ReturningConnection] {
        state.withLock { state in
            guard !state.returned.isEmpty else { return [] }
            defer { state.returned = [] }
            return state.returned
        }
    }

    /// Stops taking connections back and returns those still queued, for the stopping loop to close.
    func closeReturns() -> [ReturningConnection] {
        state.withLock { state in
            state.returnsClosed = true
            defer { state.returned = [] }
            return state.returned
        }
    }

    /// Called by the loop's thread once everything is closed; closes the doorbell and releases the waiters.
    func markFinished() {
        let waiters = state.withLock { state in
            state.finished = true
            doorbell.close()
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the loop has finished.
    func waitUntilFinished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let finished = state.withLock { state in
                if !state.finished { state.waiters.append(continuation) }
                return state.finished
            }
            if finished { continuation.resume() }
        }
    }
}

/// Counters the reactor's loops share with other threads.
final class ReactorCounters: Sendable {
    private let openConnections = Atomic<Int>(0)
    private let deferredReplies = Atomic<Int>(0)

    /// Open client connections on the data ports.
    var connections: Int { openConnections.load(ordering: .relaxed) }

    /// How often replies had to wait for the socket to become writable (a diagnostic, and proof for tests
    /// that the path ran).
    var deferrals: Int { deferredReplies.load(ordering: .relaxed) }

    func connectionOpened() { openConnections.add(1, ordering: .relaxed) }

    func connectionClosed() { openConnections.subtract(1, ordering: .relaxed) }

    func replyDeferred() { deferredReplies.add(1, ordering: .relaxed) }
}
