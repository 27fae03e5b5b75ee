// SPDX-License-Identifier: Apache-2.0

import Logging

/// A listening data port on a loop: accepts connections and hands each a ``ReactorConnection``.
final class ReactorListener: ReactorHandler {
    /// How long accepting pauses after the process ran out of descriptors (or memory): the listener stays
    /// readable, and a level-triggered loop would otherwise spin on it.
    static let pauseAfterFailure = Duration.milliseconds(100)
    /// Connections accepted per readiness event, so that one busy port cannot starve the others.
    static let acceptBurst = 32

    let descriptor: Descriptor
    var isListener: Bool { true }
    private let port: DataPort
    private let served: ServedInstance
    private var token: UInt64 = 0
    private var pause: UInt64?
    private var isOpen = true

    init(descriptor: Descriptor, port: DataPort, served: ServedInstance) {
        self.descriptor = descriptor
        self.port = port
        self.served = served
    }

    func start(loop: inout ReactorLoop) throws(TransportError) {
        token = try loop.register(self, for: .readable)
    }

    func handle(_ events: EpollEvents, loop: inout ReactorLoop) {
        for _ in 0..<Self.acceptBurst {
            switch descriptor.accept() {
            case .success(let accepted?):
                open(accepted, loop: &loop)
            case .success(nil):
                return
            case .failure(let error):
                served.logger.debug("accept failed; pausing the listener", metadata: ["error": "\(error)"])
                try? loop.setInterest(descriptor, token: token, [])
                pause = loop.arm(after: Self.pauseAfterFailure, token: token)
                return
            }
        }
    }

    func timerExpired(_ sequence: UInt64, loop: inout ReactorLoop) {
        guard isOpen, pause == sequence else { return }
        pause = nil
        try? loop.setInterest(descriptor, token: token, .readable)
    }

    func close(loop: inout ReactorLoop) {
        guard isOpen else { return }
        isOpen = false
        loop.unregister(self)
        descriptor.close()
    }

    private func open(_ accepted: Descriptor, loop: inout ReactorLoop) {
        accepted.setNoDelay()
        var logger = served.logger
        if logger.logLevel <= .debug {
            // Formatting the peer costs a system call and a string: only for a logger that will print it.
            logger[metadataKey: "net.peer"] = "\(accepted.peerDescription)"
        }
        ReactorConnection.open(accepted, port: port, served: served, logger: logger, loop: &loop)
    }
}
