// SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging
import NIOCore
import Synchronization

/// Serves the two hot ports, the mssim command ports and the swtpm data ports, from a few event-loop threads
/// of our own (epoll, one per core at most), and everything else stays on NIO. See the "hot path" section
/// of the transports' article for why.
///
/// Listeners are bound first (``listen(_:host:port:served:slot:)``, errors are thrown to the caller), then
/// ``start()`` hands them to the loops: the listeners of slot *k* go to loop *k* mod the loop count, so an
/// instance's two data ports share a loop. ``shutdown()`` stops the loops, which close their listeners and
/// then their connections.
final class DataPortReactor: Sendable {
    /// A bound listener waiting for its loop.
    private struct Listener: Sendable {
        let descriptor: Descriptor
        let port: DataPort
        let served: ServedInstance
        let slot: Int
    }

    private enum Phase {
        case binding([Listener])
        case running([ReactorLoopControl])
        case stopped
    }

    private let phase = Mutex(Phase.binding([]))
    private let counters = ReactorCounters()
    private let threads: ConnectionThreads
    private let logger: Logger

    init(threadPolicy: ConnectionThreadPolicy = ConnectionThreadPolicy(), logger: Logger) {
        self.threads = ConnectionThreads(threadPolicy)
        self.logger = logger
    }

    /// Open connections on the data ports.
    var connectionCount: Int { counters.connections }

    /// How often replies on the data ports had to wait for their socket to become writable.
    var deferredReplyCount: Int { counters.deferrals }

    /// Binds a listening socket for `port` of `served`; returns the port bound (useful when `port` is 0).
    func listen(
        _ port: DataPort, host: String, port number: Int, served: ServedInstance, slot: Int
    )
        throws(TransportError) -> Int
    {
        let descriptor = try Descriptor.listening(host: host, port: number)
        let accepted = phase.withLock { phase in
            guard case .binding(var listeners) = phase else { return false }
            listeners.append(Listener(descriptor: descriptor, port: port, served: served, slot: slot))
            phase = .binding(listeners)
            return true
        }
        guard accepted else {
            descriptor.close()
            throw TransportError(.invalidConfiguration, "the reactor has already started")
        }
        return descriptor.localPort ?? number
    }

    /// Starts one loop per core (at most one per slot) and hands each its listeners.
    func start() throws(TransportError) {
        let listeners = try phase.withLock { (phase: inout Phase) throws(TransportError) -> [Listener] in
            guard case .binding(let listeners) = phase else {
                throw TransportError(.invalidConfiguration, "the reactor has already started")
            }
            phase = .running([])
            return listeners
        }
        let loopCount = max(1, min(System.coreCount, Set(listeners.map(\.slot)).count))
        let groups = (0..<loopCount).map { index in listeners.filter { $0.slot % loopCount == index } }
        var controls: [ReactorLoopControl] = []
        defer { phase.withLock { $0 = .running(controls) } }
        for (index, group) in groups.enumerated() {
            do throws(TransportError) {
                controls.append(try startLoop(index, listeners: group))
            } catch {
                for listener in groups[index...].joined() { listener.descriptor.close() }
                throw error
            }
        }
    }

    /// Connections that have a thread of their own now.
    var threadedConnectionCount: Int { threads.count }

    /// How often a connection has moved to a thread of its own.
    var connectionThreadStarts: Int { threads.starts }

    /// Stops every loop and connection thread and returns once they have closed their listeners and
    /// connections. Before ``start()``, closes the listeners bound so far.
    func shutdown() async {
        let controls = phase.withLock { phase -> [ReactorLoopControl] in
            defer { phase = .stopped }
            switch phase {
            case .binding(let listeners):
                for listener in listeners { listener.descriptor.close() }
                return []
            case .running(let controls):
                return controls
            case .stopped:
                return []
            }
        }
        // Threads first: a connection they give back meanwhile is closed by its loop, which is still running.
        await threads.stopAll()
        for control in controls { control.requestStop() }
        for control in controls { await control.waitUntilFinished() }
    }

    private func startLoop(_ index: Int, listeners: [Listener]) throws(TransportError) -> ReactorLoopControl {
        let epoll = try Epoll.create()
        let doorbell: Doorbell
        do throws(TransportError) {
            doorbell = try Doorbell.create()
        } catch {
            epoll.close()
            throw error
        }
        let control = ReactorLoopControl(doorbell: doorbell)
        let counters = self.counters
        let threads = self.threads
        let logger = self.logger
        let thread = Thread {
            // Named from inside: on Linux, Foundation applies a name only to the current thread.
            Thread.current.name = "vtpm-reactor-\(index)"
            var loop = ReactorLoop(
                epoll: epoll, control: control, counters: counters, threads: threads, logger: logger)
            for listener in listeners {
                listener.port.startListener(listener.descriptor, served: listener.served, loop: &loop)
            }
            loop.run()
            control.markFinished()
        }
        thread.start()
        return control
    }
}

/// The ports the reactor serves, each with its session type.
enum DataPort: Hashable, Sendable {
    case mssimCommand
    case swtpmData

    /// Puts a listener for this port on `loop` (on the loop's thread).
    fileprivate func startListener(_ descriptor: Descriptor, served: ServedInstance, loop: inout ReactorLoop) {
        do throws(TransportError) {
            try ReactorListener(descriptor: descriptor, port: self, served: served).start(loop: &loop)
        } catch {
            served.logger.debug("listener cannot be served; closing", metadata: ["error": "\(error)"])
            descriptor.close()
        }
    }
}
