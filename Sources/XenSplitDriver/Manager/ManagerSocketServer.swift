// SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging
import Synchronization
import VTPMManager

#if canImport(Glibc)
import Glibc
#endif

/// The manager's `/dev/vtpm` endpoint as a unix SOCK_SEQPACKET socket (mode 0600, root only, as /dev/vtpm was):
/// each message is an instance-prefixed packet, each reply the prefixed answer. The backend inside vtpmd uses
/// ``ManagerDevice`` directly; this socket lets the host's tools and tests reach the same endpoint, and read
/// its counters (``ManagerControl``).
public final class ManagerSocketServer: Sendable {
    public let device: ManagerDevice
    public let socketPath: String
    private let logger: Logger
    private let server = Mutex<ConnectionThreads?>(nil)

    public init(device: ManagerDevice, socketPath: String, logger: Logger) {
        self.device = device
        self.socketPath = socketPath
        self.logger = logger
    }

    /// `<xenstore socket>.manager`, so that tools need only the xenstore socket's path.
    public static func defaultSocketPath(forXenStore xenstoreSocket: String) -> String {
        xenstoreSocket + ".manager"
    }

    public func start() throws(XenError) {
        let threads = try ConnectionThreads(path: socketPath, kind: .seqpacket)
        server.withLock { $0 = threads }
        threads.start { [self] client in serve(client) }
        logger.info("vtpm manager endpoint listening", metadata: ["socket": "\(socketPath)"])
    }

    public func stop() {
        server.withLock { $0 }?.stop()
    }

    private func serve(_ client: UnixSocket) {
        while let (packet, passed) = try? client.receive(capacity: ManagerDevice.prefixSize + TPMIFRing.capacity),
            !packet.isEmpty
        {
            for descriptor in passed { close(descriptor) }
            let reply =
                ManagerControl.isControl(packet) ? ManagerControl.answer(packet, device: device) : device.handle(packet)
            guard (try? client.send(reply)) != nil else { return }
        }
    }
}

/// A client of ``ManagerSocketServer``: what the manager console was to Xen's tools.
public final class ManagerClient: Sendable {
    private let socket: Mutex<UnixSocket>

    public init(socketPath: String) throws(XenError) {
        socket = Mutex(try UnixSocket.connect(to: socketPath, kind: .seqpacket))
    }

    /// Sends one prefixed packet and returns the prefixed answer.
    public func exchange(_ packet: [UInt8]) throws(XenError) -> [UInt8] {
        try socket.withLock { (socket: inout UnixSocket) throws(XenError) -> [UInt8] in
            try socket.send(packet)
            let reply = try socket.receive(capacity: ManagerDevice.prefixSize + TPMIFRing.capacity).bytes
            guard !reply.isEmpty else { throw XenError(.connectionLost, "the manager closed the connection") }
            return reply
        }
    }

    /// What arrived for `instance` so far.
    public func counters(of instance: InstanceID) throws(XenError) -> ManagerDevice.Counters {
        guard let counters = ManagerControl.counters(fromReply: try exchange(ManagerControl.countersRequest(instance)))
        else { throw XenError(.protocolViolation, "the manager did not answer the counters request") }
        return counters
    }
}
