// SPDX-License-Identifier: Apache-2.0

import Synchronization

/// The connections that currently have a thread of their own (``ThreadedConnection``), shared by every loop of
/// a reactor: it bounds how many there are and wakes them all at shutdown.
///
/// A descriptor is in the set from the moment a loop hands it over until its thread gives it back or closes
/// it, and the thread leaves the set *before* closing, under the lock. ``stopAll()`` shuts the descriptors
/// down under the same lock, so it never touches a number that was closed and reused.
final class ConnectionThreads: Sendable {
    private struct State {
        var descriptors: Set<Int32> = []
        var stopping = false
        var starts = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    /// At most this many connections have their own thread; busy ones beyond that stay on their loop.
    let limit: Int
    /// How long a connection keeps its thread without receiving anything.
    let idleTimeout: Duration
    private let state = Mutex(State())

    init(_ policy: ConnectionThreadPolicy) {
        self.limit = policy.limit
        self.idleTimeout = policy.idleTimeout
    }

    /// Connections on their own thread now.
    var count: Int { state.withLock { $0.descriptors.count } }

    /// Claims granted so far (moves of a connection to a thread of its own).
    var starts: Int { state.withLock { $0.starts } }

    /// Claims a thread for `descriptor`; false when the limit is reached or the reactor is stopping.
    func claim(_ descriptor: Descriptor) -> Bool {
        state.withLock { state in
            guard !state.stopping, state.descriptors.count < limit else { return false }
            state.descriptors.insert(descriptor.rawValue)
            state.starts += 1
            return true
        }
    }

    /// The thread of `descriptor` is done with it (it closes it, or gives it back to its loop, next).
    /// Returns false while the reactor is stopping: the connection must then be closed, not given back.
    func release(_ descriptor: Descriptor) -> Bool {
        let (stopping, waiters) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
            state.descriptors.remove(descriptor.rawValue)
            guard state.stopping, state.descriptors.isEmpty else { return (state.stopping, []) }
            defer { state.waiters = [] }
            return (true, state.waiters)
        }
        for waiter in waiters { waiter.resume() }
        return !stopping
    }

    /// Refuses new claims, wakes every thread blocked on its connection (it reads end of stream and closes
    /// the connection) and returns once all have let go.
    func stopAll() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state in
                state.stopping = true
                for raw in state.descriptors { Descriptor(rawValue: raw).shutdownBothDirections() }
                if !state.descriptors.isEmpty { state.waiters.append(continuation) }
                return state.descriptors.isEmpty
            }
            if done { continuation.resume() }
        }
    }
}
