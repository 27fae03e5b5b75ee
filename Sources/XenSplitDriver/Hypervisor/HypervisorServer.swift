// SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Serves ``Hypervisor`` to domains in other processes over a unix socket (``HypervisorProtocol``): each
/// connection is one domain, created by its first message and destroyed when the connection closes, so a guest
/// that dies releases its grants and ports and its peers see @releaseDomain.
///
/// One thread per connection: a domain makes a handful of calls when its drivers connect, none per TPM command.
public final class HypervisorServer: Sendable {
    public let hypervisor: Hypervisor
    public let socketPath: String
    private let logger: Logger
    private let server = Mutex<ConnectionThreads?>(nil)

    /// The domain builder's part at a guest's creation: returns a connection to xenstored on which the guest is
    /// known as its domain (the role of the xenstore page and event channel a builder introduces in Xen), or nil.
    public typealias Introducer = @Sendable (DomainID) -> Int32?

    private let introduce: Introducer?

    public init(hypervisor: Hypervisor, socketPath: String, introduce: Introducer? = nil, logger: Logger) {
        self.hypervisor = hypervisor
        self.socketPath = socketPath
        self.introduce = introduce
        self.logger = logger
    }

    /// The socket of the hypervisor that belongs to the xenstored at `xenstoreSocket` (`<socket>.hypervisor`), so
    /// that a frontend needs only the xenstore socket's path.
    public static func defaultSocketPath(forXenStore xenstoreSocket: String) -> String {
        xenstoreSocket + ".hypervisor"
    }

    public func start() throws(XenError) {
        let threads = try ConnectionThreads(path: socketPath, kind: .seqpacket)
        server.withLock { $0 = threads }
        threads.start { [self] connection in serve(connection) }
        logger.info("hypervisor listening", metadata: ["socket": "\(socketPath)"])
    }

    public func stop() {
        server.withLock { $0 }?.stop()
    }

    private func serve(_ connection: UnixSocket) {
        var domain: DomainID?
        defer {
            if let domain {
                hypervisor.destroyDomain(domain)
                logger.debug("domain released", metadata: ["xen.domid": "\(domain)"])
            }
        }
        while let (request, passed) = try? connection.receive(capacity: HypervisorProtocol.requestSize) {
            // No request carries descriptors; any a guest sends along are closed, or they would pile up here.
            for descriptor in passed { close(descriptor) }
            guard request.count == HypervisorProtocol.requestSize else { return }
            let reply: (values: [UInt32], descriptors: [Int32])
            do throws(XenError) {
                reply = try answer(request, domain: &domain)
            } catch {
                let header = HypervisorProtocol.words([HypervisorProtocol.status(of: error), 0, 0, 0])
                guard (try? connection.send(header + Array(error.reason.utf8))) != nil else { return }
                continue
            }
            let sent: Void? = try? connection.send(
                HypervisorProtocol.words([0] + reply.values), descriptors: reply.descriptors)
            for descriptor in reply.descriptors { close(descriptor) }
            guard sent != nil else { return }
        }
    }

    private func answer(_ request: [UInt8], domain: inout DomainID?) throws(XenError) -> ([UInt32], [Int32]) {
        let word = { (index: Int) in HypervisorProtocol.word(request, index) }
        guard let operation = HypervisorProtocol.Operation(rawValue: word(0)) else {
            throw XenError(.protocolViolation, "unknown operation \(word(0))")
        }
        guard let current = domain else {
            guard operation == .hello else { throw XenError(.protocolViolation, "the first request must be hello") }
            let id = word(1)
            // Domain 0 is this process; DOMID_FIRST_RESERVED (0x7FF0) and above are special ids in Xen.
            guard (1..<0x7FF0).contains(id) else { throw XenError(.badDomain, "domain \(id) cannot be claimed") }
            let table = try hypervisor.createDomain(id)
            domain = id
            logger.debug("domain created", metadata: ["xen.domid": "\(id)"])
            return ([0, 0, 0], [table] + (introduce?(id).map { [$0] } ?? []))
        }
        switch operation {
        case .hello:
            throw XenError(.protocolViolation, "this connection is domain \(current) already")
        case .allocateFrame:
            let (frame, descriptor) = try hypervisor.allocateFrame(current)
            return ([frame, 0, 0], [descriptor])
        case .allocateUnbound:
            let (port, descriptors) = try hypervisor.allocateUnbound(current, remote: word(1))
            return ([port, 0, 0], descriptors)
        case .bindInterdomain:
            let (port, descriptors) = try hypervisor.bindInterdomain(current, remote: word(1), remotePort: word(2))
            return ([port, 0, 0], descriptors)
        case .closePort:
            try hypervisor.closePort(current, word(1))
            return ([0, 0, 0], [])
        case .notify:
            try hypervisor.notify(current, word(1))
            return ([0, 0, 0], [])
        case .mapGrant:
            let (handle, descriptor) = try hypervisor.mapGrant(
                mapper: current, granter: word(1), ref: word(2), writable: word(3) != 0)
            return ([UInt32(truncatingIfNeeded: handle), UInt32(truncatingIfNeeded: handle >> 32), 0], [descriptor])
        case .unmapGrant:
            try hypervisor.unmapGrant(mapper: current, handle: UInt64(word(1)) | UInt64(word(2)) << 32)
            return ([0, 0, 0], [])
        }
    }
}
