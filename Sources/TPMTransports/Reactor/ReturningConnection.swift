// SPDX-License-Identifier: Apache-2.0

/// A connection on its way from its own thread back to its loop: the state of its session, one case per
/// session type (so that the loop's code stays specialized), and what is left of the session's timer.
enum ReturningConnection: Sendable {
    case mssimCommand(ConnectionState<MSSimCommandSession>, timer: Duration?)
    case swtpmData(ConnectionState<SwtpmDataSession>, timer: Duration?)

    /// Ends it without a loop (the loop has stopped).
    func close(counting counters: ReactorCounters) {
        switch self {
        case .mssimCommand(let state, _): state.close(counting: counters)
        case .swtpmData(let state, _): state.close(counting: counters)
        }
    }
}

/// A session whose connections can move to a thread of their own and back.
protocol ThreadableSession: DataPortSession {
    static func returning(_ state: ConnectionState<Self>, timer: Duration?) -> ReturningConnection
}

extension MSSimCommandSession: ThreadableSession {
    static func returning(_ state: ConnectionState<Self>, timer: Duration?) -> ReturningConnection {
        .mssimCommand(state, timer: timer)
    }
}

extension SwtpmDataSession: ThreadableSession {
    static func returning(_ state: ConnectionState<Self>, timer: Duration?) -> ReturningConnection {
        .swtpmData(state, timer: timer)
    }
}
