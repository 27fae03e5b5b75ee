// SPDX-License-Identifier: Apache-2.0

import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One end of a bound (or offered) event channel, as its domain holds it.
public final class EventChannel: Sendable {
    public let port: EventPort
    /// Woken by the peer's notifications.
    let incoming: EventSignal
    /// Wakes the peer.
    let outgoing: EventSignal

    init(port: EventPort, wait: Int32, notify: Int32) {
        self.port = port
        incoming = EventSignal(adopting: wait)
        outgoing = EventSignal(adopting: notify)
    }

    /// EVTCHNOP_send from this end: one eventfd write, straight to the peer.
    public func notify() { outgoing.signal() }

    /// Blocks until the peer notifies.
    public func wait() { incoming.wait() }

    /// Waits at most `milliseconds`; false if nothing came.
    public func wait(milliseconds: Int32) -> Bool { incoming.wait(milliseconds: milliseconds) != nil }

    /// Waits for the peer or for `stop` (a signal of this process's own, which the peer cannot touch), at most
    /// `milliseconds` (-1: no limit); true only for the peer's notification.
    public func wait(orStop stop: EventSignal, milliseconds: Int32 = -1) -> Bool {
        incoming.wait(orStop: stop, milliseconds: milliseconds)
    }
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
        let (port, wait, notify) = try hypervisor.allocateUnbound(domid, remote: remote)
        return EventChannel(port: port, wait: wait, notify: notify)
    }

    public func bindInterdomain(remote: DomainID, port: EventPort) throws(XenError) -> EventChannel {
        let (local, wait, notify) = try hypervisor.bindInterdomain(domid, remote: remote, remotePort: port)
        return EventChannel(port: local, wait: wait, notify: notify)
    }

    public func close(_ channel: EventChannel) throws(XenError) {
        try hypervisor.closePort(domid, channel.port)
    }

    public func mapGrant(granter: DomainID, ref: GrantRef, writable: Bool) throws(XenError) -> MappedGrant {
        let (handle, descriptor) = try hypervisor.mapGrant(mapper: domid, granter: granter, ref: ref, writable: writable)
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
