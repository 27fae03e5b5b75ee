// SPDX-License-Identifier: Apache-2.0

import Logging

/// One accepted connection on a loop: reads into its input buffer, lets its session consume the bytes, and
/// carries out the step the session returns (replies are already written by then). The work is done by
/// ``ConnectionState``; this class is its place in the loop's table.
///
/// Not generic on purpose: methods of a generic class reached through a protocol run unspecialized, with
/// metadata look-ups on every call (measured: 2% of the daemon's CPU time). One optional property per
/// session type keeps every session's code specialized, and an event costs one (dynamic) exclusivity check:
/// the access to that property, held while the state serves the event.
final class ReactorConnection: ReactorHandler {
    let descriptor: Descriptor
    var isListener: Bool { false }
    private let port: DataPort
    private var mssimCommand: ConnectionState<MSSimCommandSession>?
    private var swtpmData: ConnectionState<SwtpmDataSession>?

    private init(descriptor: Descriptor, port: DataPort) {
        self.descriptor = descriptor
        self.port = port
    }

    /// Registers a new connection to `port` with `loop`; one that cannot be registered is closed at once.
    static func open(
        _ descriptor: Descriptor, port: DataPort, served: ServedInstance, logger: Logger,
        loop: inout ReactorLoop
    ) {
        let connection = ReactorConnection(descriptor: descriptor, port: port)
        do throws(TransportError) {
            let token = try loop.register(connection, for: .readable)
            switch port {
            case .mssimCommand:
                connection.mssimCommand = ConnectionState(
                    descriptor: descriptor, token: token, served: served,
                    logger: logger, loop: &loop)
            case .swtpmData:
                connection.swtpmData = ConnectionState(
                    descriptor: descriptor, token: token, served: served,
                    logger: logger, loop: &loop)
            }
        } catch {
            logger.debug("connection cannot be served; closing", metadata: ["error": "\(error)"])
            descriptor.close()
            return
        }
        loop.counters.connectionOpened()
    }

    /// Registers a connection coming back from its own thread with `loop` (see ``ThreadedConnection``).
    static func adopt(_ returning: ReturningConnection, loop: inout ReactorLoop) {
        switch returning {
        case .mssimCommand(let state, let timer):
            let connection = ReactorConnection(descriptor: state.descriptor, port: .mssimCommand)
            connection.mssimCommand = connection.register(state, timer: timer, loop: &loop)
        case .swtpmData(let state, let timer):
            let connection = ReactorConnection(descriptor: state.descriptor, port: .swtpmData)
            connection.swtpmData = connection.register(state, timer: timer, loop: &loop)
        }
    }

    func handle(_ events: EpollEvents, loop: inout ReactorLoop) {
        let outcome =
            switch port {
            case .mssimCommand: mssimCommand?.handle(events, loop: &loop)
            case .swtpmData: swtpmData?.handle(events, loop: &loop)
            }
        switch outcome {
        case .closed: close(loop: &loop)
        case .busy: moveToThread(loop: &loop)
        case .open, nil: break
        }
    }

    func timerExpired(_ sequence: UInt64, loop: inout ReactorLoop) {
        let outcome =
            switch port {
            case .mssimCommand: mssimCommand?.timerExpired(sequence, loop: &loop)
            case .swtpmData: swtpmData?.timerExpired(sequence, loop: &loop)
            }
        if outcome == .closed { close(loop: &loop) }
    }

    /// Gives the connection a thread of its own if one may be had; otherwise it stays.
    private func moveToThread(loop: inout ReactorLoop) {
        guard loop.threads.claim(descriptor) else { return }
        loop.detach(self)
        switch port {
        case .mssimCommand:
            guard let state = mssimCommand.take() else { return }
            ThreadedConnection.start(state, home: loop.control, threads: loop.threads, counters: loop.counters)
        case .swtpmData:
            guard let state = swtpmData.take() else { return }
            ThreadedConnection.start(state, home: loop.control, threads: loop.threads, counters: loop.counters)
        }
    }

    /// Registers a returning connection's state under a new token, re-arms what was left of its timer and
    /// waits for what it was waiting for (EPOLLOUT if a reply is pending). Nil, with the connection closed,
    /// if it cannot be registered.
    private func register<Session>(
        _ state: ConnectionState<Session>, timer: Duration?, loop: inout ReactorLoop
    ) -> ConnectionState<Session>? {
        var state = state
        do throws(TransportError) {
            state.token = try loop.register(self, for: state.reading ? .readable : .writable)
        } catch {
            state.logger.debug("connection cannot be served; closing", metadata: ["error": "\(error)"])
            state.close(counting: loop.counters)
            return nil
        }
        if let timer { state.timer = loop.arm(after: timer, token: state.token) }
        if !state.reading { loop.counters.replyDeferred() }
        return state
    }

    func close(loop: inout ReactorLoop) {
        switch port {
        case .mssimCommand:
            guard let closing = mssimCommand.take() else { return }
            closing.finish(loop: &loop)
        case .swtpmData:
            guard let closing = swtpmData.take() else { return }
            closing.finish(loop: &loop)
        }
        loop.unregister(self)
        descriptor.close()
        loop.counters.connectionClosed()
    }
}
