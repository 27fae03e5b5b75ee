// SPDX-License-Identifier: Apache-2.0

import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One end of a bound (or offered) event channel, as its domain holds it: the read end of the pipe that wakes
/// this port, a write end of the peer's pipe, and a write end of its own pipe to wake itself (``EventPipe``).
public final class EventChannel: Sendable {
    public let port: EventPort
    let incoming: EventPipeEnd
    let outgoing: EventPipeEnd
    let selfWake: EventPipeEnd

    init(port: EventPort, descriptors: [Int32]) {
        self.port = port
        incoming = EventPipeEnd(adopting: descriptors[0])
        outgoing = EventPipeEnd(adopting: descriptors[1])
        selfWake = EventPipeEnd(adopting: descriptors[2])
    }

    /// EVTCHNOP_send from this end: one write, straight to the peer's pipe.
    public func notify() { outgoing.ring() }

    /// Blocks until the peer notifies (or ``interruptWait()``): one read.
    public func wait() { incoming.wait() }

    /// Waits at most `milliseconds`; false if nothing came.
    public func wait(milliseconds: Int32) -> Bool { incoming.wait(milliseconds: milliseconds) }

    /// Wakes a thread of this process blocked in ``wait()`` without a notification from the peer; it checks
    /// why it woke (shutdown, a connection that ended).
    public func interruptWait() { selfWake.ring() }
}

/// A foreign page mapped through a grant.
public struct MappedGrant: Sendable {
    public let granter: DomainID
    public let ref: GrantRef
    public let handle: UInt64
    public let page: SharedPage
}

/// What a domain can ask of the hypervisor: its memory, its grant table, event channels and grant maps.
/// ``HypervisorClient`` serves a guest in another process; ``LocalDomain`` serves domain 0 inside vtpmd.
public protocol DomainHandle: Sendable {
    var domid: DomainID { get }
    /// This domain's grant-table page (it writes the entries).
    var grantTable: SharedPage { get }
    func allocatePage() throws(XenError) -> (frame: FrameNumber, page: SharedPage)
    func allocateUnbound(remote: DomainID) throws(XenError) -> EventChannel
    func bindInterdomain(remote: DomainID, port: EventPort) throws(XenError) -> EventChannel
    func close(_ channel: EventChannel) throws(XenError)
    func mapGrant(granter: DomainID, ref: GrantRef, writable: Bool) throws(XenError) -> MappedGrant
    func unmap(_ mapping: MappedGrant) throws(XenError)
}

/// Domain 0: the hypervisor is in this process, so its operations are direct calls.
public final class LocalDomain: DomainHandle {
    public let hypervisor: Hypervisor
    public let domid: DomainID
    public let grantTable: SharedPage

    /// Domain 0 of `hypervisor` (created with it).
    public init(hypervisor: Hypervisor) throws(XenError) {
        self.hypervisor = hypervisor
        self.domid = 0
        let descriptor = try hypervisor.grantTableDescriptor(of: 0)
        defer { Glibc.close(descriptor) }
        grantTable = try SharedPage(mapping: descriptor, writable: true)
    }

    public func allocatePage() throws(XenError) -> (frame: FrameNumber, page: SharedPage) {
        let (frame, descriptor) = try hypervisor.allocateFrame(domid)
        defer { Glibc.close(descriptor) }
        return (frame, try SharedPage(mapping: descriptor, writable: true))
    }

    public func allocateUnbound(remote: DomainID) throws(XenError) -> EventChannel {
        let (port, descriptors) = try hypervisor.allocateUnbound(domid, remote: remote)
        return EventChannel(port: port, descriptors: descriptors)
    }

    public func bindInterdomain(remote: DomainID, port: EventPort) throws(XenError) -> EventChannel {
        let (local, descriptors) = try hypervisor.bindInterdomain(domid, remote: remote, remotePort: port)
        return EventChannel(port: local, descriptors: descriptors)
    }

    public func close(_ channel: EventChannel) throws(XenError) {
        try hypervisor.closePort(domid, channel.port)
    }

    public func mapGrant(granter: DomainID, ref: GrantRef, writable: Bool) throws(XenError) -> MappedGrant {
        let (handle, descriptor) = try hypervisor.mapGrant(
            mapper: domid, granter: granter, ref: ref, writable: writable)
        defer { Glibc.close(descriptor) }
        do {
            let page = try SharedPage(mapping: descriptor, writable: writable)
            return MappedGrant(granter: granter, ref: ref, handle: handle, page: page)
        } catch {
            try? hypervisor.unmapGrant(mapper: domid, handle: handle)
            throw error
        }
    }

    public func unmap(_ mapping: MappedGrant) throws(XenError) {
        try hypervisor.unmapGrant(mapper: domid, handle: mapping.handle)
    }
}
