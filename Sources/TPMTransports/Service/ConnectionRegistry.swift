// SPDX-License-Identifier: Apache-2.0

import NIOCore
import Synchronization

/// The open connections of a server, so that shutdown can close them. A connection accepted after
/// shutdown began is closed at once.
final class ConnectionRegistry: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    func register(_ channel: any Channel) {
        let accepted = state.withLock { state in
            guard !state.closed else { return false }
            state.channels[ObjectIdentifier(channel)] = channel
            return true
        }
        guard accepted else {
            channel.close(promise: nil)
            return
        }
        channel.closeFuture.whenComplete { [weak self] _ in
            self?.state.withLock { _ = $0.channels.removeValue(forKey: ObjectIdentifier(channel)) }
        }
    }

    var count: Int { state.withLock { $0.channels.count } }

    /// Refuses new connections and closes the open ones; returns when they are closed.
    func closeAll() async {
        let channels = state.withLock { state in
            state.closed = true
            return Array(state.channels.values)
        }
        for channel in channels {
            try? await channel.close()
        }
    }
}
