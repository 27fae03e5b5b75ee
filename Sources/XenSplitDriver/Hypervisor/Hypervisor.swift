// SPDX-License-Identifier: Apache-2.0

import CVTPMSystem
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The hypervisor's part of the split driver, in user space: domain memory, grant tables and event channels,
/// with real cross-process effect.
///
/// - Memory: every frame of a domain is its own page-sized memfd. The domain gets its frames' descriptors;
///   nobody else does, except through a grant map, so another process cannot reach a page it was not granted.
/// - Grant tables: one version-1 table page per domain, shared with the domain, which writes its entries.
///   ``mapGrant(mapper:granter:ref:writable:)`` checks the entry exactly as Xen does (permit-access type,
///   grantee domid, frame owned by the granter, read-only) and locks it with GTF_reading/GTF_writing. A
///   read-only grant is handed out as an `O_RDONLY` descriptor, so the kernel refuses a writable mapping too.
/// - Event channels: a port's wake-up is an eventfd. `allocateUnbound` makes the pair at once; the side that
///   binds later gets the other half. Notifying is a write to the peer's eventfd, no round trip through here.
///
/// Domain 0 (the backend, toolstack and xenstored) lives in this process and calls these methods directly;
/// other domains reach them through ``HypervisorServer``.
public final class Hypervisor: Sendable {
    /// Frames a domain may own at most, and ports per domain. Each is a descriptor held in this process (two
    /// for a port), so the limits keep one guest from exhausting the daemon's descriptors; a vTPM frontend
    /// needs 11 frames and one port.
    public static let frameLimit = 128
    public static let portLimit = 32
    /// Grant mappings a guest may hold at once (Xen's maptrack limit). Domain 0, which serves every guest,
    /// has no port or mapping limit.
    public static let mappingLimit = 64
    /// Attempts to lock a grant entry whose flags keep changing under us before the map fails (Xen gives up
    /// the same way, "unstable").
    static let lockAttempts = 8

    struct PortRecord {
        enum Binding { case unbound(remote: DomainID), interdomain(DomainID, EventPort) }
        var binding: Binding
        /// The pipe that wakes this port.
        let own: EventPipe
        /// The pipe that wakes the peer (made with the offer, so the binder's port takes it over).
        let peer: EventPipe
    }

    struct DomainRecord {
        let grantTableDescriptor: Int32
        let grantTable: SharedPage
        var frames: [FrameNumber: Int32] = [:]
        var nextFrame: FrameNumber = 0x1000
        var ports: [EventPort: PortRecord] = [:]
    }

    struct Mapping {
        let mapper: DomainID
        let granter: DomainID
        let ref: GrantRef
        let writable: Bool
    }

    struct State {
        var domains: [DomainID: DomainRecord] = [:]
        var mappings: [UInt64: Mapping] = [:]
        var nextMapping: UInt64 = 1
    }

    private let state = Mutex(State())
    private let observers = Mutex<[@Sendable (DomainID, Bool) -> Void]>([])

    /// A hypervisor with domain 0 running.
    public init() throws(XenError) {
        let table = try createDomain(0)
        close(table)
    }

    /// Calls `observer(domid, alive)` after a domain is created or destroyed (xenstore's @introduceDomain and
    /// @releaseDomain).
    public func observeDomains(_ observer: @escaping @Sendable (DomainID, Bool) -> Void) {
        observers.withLock { $0.append(observer) }
    }

    // MARK: - Domains

    /// Creates domain `id`; returns a descriptor of its grant-table page (the caller owns it).
    public func createDomain(_ id: DomainID) throws(XenError) -> Int32 {
        let descriptor = cvtpm_memfd("xen-grant-table-\(id)", SharedPage.size)
        guard descriptor >= 0 else { throw XenError(.systemCall, "memfd for a grant table", errno: errno) }
        let page: SharedPage
        do {
            page = try SharedPage(mapping: descriptor, writable: true)
        } catch {
            close(descriptor)
            throw error
        }
        let handedOut: Int32
        do throws(XenError) {
            handedOut = try duplicate(descriptor)
        } catch {
            close(descriptor)
            throw error
        }
        try state.withLock { (state: inout State) throws(XenError) in
            guard state.domains[id] == nil else {
                close(descriptor)
                close(handedOut)
                throw XenError(.domainBusy, "domain \(id) is already running")
            }
            state.domains[id] = DomainRecord(grantTableDescriptor: descriptor, grantTable: page)
        }
        notifyObservers(id, alive: true)
        return handedOut
    }

    /// Destroys domain `id`: its ports close (their peers become unbound), its grants and the mappings it held
    /// end. Pages another domain still has mapped stay valid for that domain until it unmaps them.
    public func destroyDomain(_ id: DomainID) {
        let existed = state.withLock { state -> Bool in
            guard let domain = state.domains.removeValue(forKey: id) else { return false }
            for record in domain.ports.values {
                if case .interdomain(let remote, let remotePort) = record.binding {
                    state.domains[remote]?.ports[remotePort]?.binding = .unbound(remote: id)
                }
            }
            let held = state.mappings.values.filter { $0.mapper == id && $0.granter != id }
            state.mappings = state.mappings.filter { $0.value.mapper != id && $0.value.granter != id }
            // A dead mapper's pages are no longer in use: the granters may end those grants again.
            for mapping in held {
                if let table = state.domains[mapping.granter]?.grantTable {
                    releaseLock(table, ref: mapping.ref, granter: mapping.granter, state: state)
                }
            }
            for descriptor in domain.frames.values { close(descriptor) }
            close(domain.grantTableDescriptor)
            return true
        }
        if existed { notifyObservers(id, alive: false) }
    }

    /// A descriptor of `id`'s grant-table page (the caller owns it).
    public func grantTableDescriptor(of id: DomainID) throws(XenError) -> Int32 {
        let descriptor = state.withLock { $0.domains[id]?.grantTableDescriptor }
        guard let descriptor else { throw XenError(.badDomain, "no domain \(id)") }
        return try duplicate(descriptor)
    }

    public func isRunning(_ id: DomainID) -> Bool { state.withLock { $0.domains[id] != nil } }


    // MARK: - Memory

    /// A new zeroed frame for `domain`; returns its number and a descriptor the caller owns.
    public func allocateFrame(_ domain: DomainID) throws(XenError) -> (frame: FrameNumber, descriptor: Int32) {
        try state.withLock { (state: inout State) throws(XenError) in
            guard var record = state.domains[domain] else { throw XenError(.badDomain, "no domain \(domain)") }
            guard record.frames.count < Self.frameLimit else {
                throw XenError(.noSpace, "domain \(domain) has all its \(Self.frameLimit) frames")
            }
            let descriptor = cvtpm_memfd("xen-frame-\(domain)", SharedPage.size)
            guard descriptor >= 0 else { throw XenError(.systemCall, "memfd for a frame", errno: errno) }
            let frame = record.nextFrame
            record.nextFrame += 1
            record.frames[frame] = descriptor
            state.domains[domain] = record
            return (frame, try duplicate(descriptor))
        }
    }

    // MARK: - Grants

    /// Maps `granter`'s grant `ref` for `mapper`. Returns a handle for ``unmapGrant(mapper:handle:)`` and a
    /// descriptor of the page (read-only unless `writable`), which the caller owns.
    ///
    /// - Throws: `.badDomain` (no such granter), `.badGrant` (ref out of range, not a permit-access entry, or a
    ///   frame the granter does not own), `.permissionDenied` (granted to another domain, or a read-only grant
    ///   mapped for writing).
    public func mapGrant(
        mapper: DomainID, granter: DomainID, ref: GrantRef, writable: Bool
    ) throws(XenError) -> (handle: UInt64, descriptor: Int32) {
        try state.withLock { (state: inout State) throws(XenError) in
            guard let domain = state.domains[granter] else {
                throw XenError(.badDomain, "domain \(granter) is not running")
            }
            guard ref < GrantEntry.perPage else { throw XenError(.badGrant, "grant \(ref) is out of range") }
            guard mapper == 0 || state.mappings.values.count(where: { $0.mapper == mapper }) < Self.mappingLimit else {
                throw XenError(.noSpace, "domain \(mapper) holds \(Self.mappingLimit) grant mappings already")
            }
            let table = domain.grantTable
            let lock = writable ? GrantEntry.reading | GrantEntry.writing : GrantEntry.reading
            var attempts = 0
            while true {
                attempts += 1
                guard attempts <= Self.lockAttempts else {
                    throw XenError(.badGrant, "domain \(granter) grant \(ref) keeps changing")
                }
                let flags = table.atomicLoad16(at: GrantEntry.flagsOffset(ref))
                guard flags & GrantEntry.typeMask == GrantEntry.permitAccess else {
                    throw XenError(.badGrant, "domain \(granter) grant \(ref) grants nothing")
                }
                guard DomainID(table.loadLittleEndian(UInt16.self, at: GrantEntry.domidOffset(ref))) == mapper else {
                    throw XenError(.permissionDenied, "domain \(granter) grant \(ref) is not for domain \(mapper)")
                }
                guard !writable || flags & GrantEntry.readOnly == 0 else {
                    throw XenError(.permissionDenied, "domain \(granter) grant \(ref) is read-only")
                }
                if try table.compareExchange16(at: GrantEntry.flagsOffset(ref), expected: flags, desired: flags | lock)
                {
                    break
                }
            }
            let frame = table.loadLittleEndian(UInt32.self, at: GrantEntry.frameOffset(ref))
            guard let frameDescriptor = domain.frames[frame] else {
                releaseLock(table, ref: ref, granter: granter, state: state)
                throw XenError(.badGrant, "domain \(granter) grant \(ref) names frame \(frame), not one of its own")
            }
            let descriptor: Int32
            do throws(XenError) {
                descriptor = writable ? try duplicate(frameDescriptor) : try reopenReadOnly(frameDescriptor)
            } catch {
                releaseLock(table, ref: ref, granter: granter, state: state)
                throw error
            }
            let handle = state.nextMapping
            state.nextMapping += 1
            state.mappings[handle] = Mapping(mapper: mapper, granter: granter, ref: ref, writable: writable)
            return (handle, descriptor)
        }
    }

    /// Ends a mapping; once no mapping of the grant remains, the granter may end it.
    public func unmapGrant(mapper: DomainID, handle: UInt64) throws(XenError) {
        try state.withLock { (state: inout State) throws(XenError) in
            guard let mapping = state.mappings[handle], mapping.mapper == mapper else {
                throw XenError(.invalidArgument, "no mapping \(handle) of domain \(mapper)")
            }
            state.mappings[handle] = nil
            guard let table = state.domains[mapping.granter]?.grantTable else { return }
            releaseLock(table, ref: mapping.ref, granter: mapping.granter, state: state)
        }
    }

    /// Clears GTF_reading/GTF_writing as far as no remaining mapping of the grant needs them.
    private func releaseLock(_ table: SharedPage, ref: GrantRef, granter: DomainID, state: State) {
        let remaining = state.mappings.values.filter { $0.granter == granter && $0.ref == ref }
        var keep: UInt16 = remaining.isEmpty ? 0 : GrantEntry.reading
        if remaining.contains(where: \.writable) { keep |= GrantEntry.writing }
        for _ in 0..<Self.lockAttempts {
            let flags = table.atomicLoad16(at: GrantEntry.flagsOffset(ref))
            let updated = flags & ~(GrantEntry.reading | GrantEntry.writing) | keep
            if (try? table.compareExchange16(at: GrantEntry.flagsOffset(ref), expected: flags, desired: updated))
                != false
            {
                return
            }
        }
    }

    // MARK: - Event channels

    /// EVTCHNOP_alloc_unbound: a port of `domain` that `remote` may bind. Returns the port and three descriptors
    /// the caller owns (``EventChannel``): the read end it waits on, a write end of the peer's pipe, and a write
    /// end of its own pipe to wake itself.
    public func allocateUnbound(
        _ domain: DomainID, remote: DomainID
    ) throws(XenError) -> (port: EventPort, descriptors: [Int32]) {
        let own = try EventPipe()
        let peer = try EventPipe()
        let descriptors = try Self.endsForPort(waitingOn: own, notifying: peer)
        return try state.withLock { (state: inout State) throws(XenError) in
            guard state.domains[domain] != nil else {
                for descriptor in descriptors { close(descriptor) }
                throw XenError(.badDomain, "no domain \(domain)")
            }
            let port: EventPort
            do throws(XenError) {
                port = try freePort(in: domain, state)
            } catch {
                for descriptor in descriptors { close(descriptor) }
                throw error
            }
            state.domains[domain]?.ports[port] = PortRecord(binding: .unbound(remote: remote), own: own, peer: peer)
            return (port, descriptors)
        }
    }

    /// EVTCHNOP_bind_interdomain: binds a new port of `domain` to `remote`'s unbound port offered to `domain`.
    public func bindInterdomain(
        _ domain: DomainID, remote: DomainID, remotePort: EventPort
    ) throws(XenError) -> (port: EventPort, descriptors: [Int32]) {
        try state.withLock { (state: inout State) throws(XenError) in
            guard state.domains[domain] != nil else { throw XenError(.badDomain, "no domain \(domain)") }
            guard let offered = state.domains[remote]?.ports[remotePort] else {
                throw XenError(.badPort, "domain \(remote) has no port \(remotePort)")
            }
            guard case .unbound(let allowed) = offered.binding, allowed == domain else {
                throw XenError(.badPort, "domain \(remote) port \(remotePort) is not offered to domain \(domain)")
            }
            let port = try freePort(in: domain, state)
            let descriptors = try Self.endsForPort(waitingOn: offered.peer, notifying: offered.own)
            // Notifications sent before the bind are dropped, as Xen drops sends on an unbound port.
            offered.peer.drain()
            state.domains[domain]?.ports[port] = PortRecord(
                binding: .interdomain(remote, remotePort), own: offered.peer, peer: offered.own)
            state.domains[remote]?.ports[remotePort]?.binding = .interdomain(domain, port)
            return (port, descriptors)
        }
    }

    /// A port's three descriptors: the read end of `own`, a writer of `peer`, a writer of `own`.
    private static func endsForPort(waitingOn own: EventPipe, notifying peer: EventPipe) throws(XenError) -> [Int32] {
        var descriptors: [Int32] = []
        do throws(XenError) {
            descriptors.append(try own.duplicateReader())
            descriptors.append(try peer.openWriter())
            descriptors.append(try own.openWriter())
        } catch {
            for descriptor in descriptors { close(descriptor) }
            throw error
        }
        return descriptors
    }

    /// EVTCHNOP_close: the peer's port becomes unbound again.
    public func closePort(_ domain: DomainID, _ port: EventPort) throws(XenError) {
        try state.withLock { (state: inout State) throws(XenError) in
            guard let record = state.domains[domain]?.ports.removeValue(forKey: port) else {
                throw XenError(.badPort, "domain \(domain) has no port \(port)")
            }
            if case .interdomain(let remote, let remotePort) = record.binding {
                state.domains[remote]?.ports[remotePort]?.binding = .unbound(remote: domain)
            }
        }
    }

    /// EVTCHNOP_send: wakes the bound peer; a send on an unbound port is dropped (as in Xen).
    public func notify(_ domain: DomainID, _ port: EventPort) throws(XenError) {
        let peer = try state.withLock { (state: inout State) throws(XenError) -> EventPipe? in
            guard let record = state.domains[domain]?.ports[port] else {
                throw XenError(.badPort, "domain \(domain) has no port \(port)")
            }
            guard case .interdomain = record.binding else { return nil }
            return record.peer
        }
        peer?.writer.ring()
    }

    /// Whether `domain`'s `port` is bound to a peer now.
    public func isBound(_ domain: DomainID, _ port: EventPort) -> Bool {
        state.withLock { state in
            guard case .interdomain = state.domains[domain]?.ports[port]?.binding else { return false }
            return true
        }
    }

    // MARK: - Private

    private func freePort(in domain: DomainID, _ state: State) throws(XenError) -> EventPort {
        let used = state.domains[domain]?.ports ?? [:]
        let limit = domain == 0 ? EventPort.max - 1 : EventPort(Self.portLimit)
        guard let port = (1...limit).first(where: { used[$0] == nil }) else {
            throw XenError(.noSpace, "domain \(domain) has no free event-channel port")
        }
        return port
    }

    private func notifyObservers(_ id: DomainID, alive: Bool) {
        for observer in observers.withLock({ $0 }) { observer(id, alive) }
    }
}

/// A new descriptor for the same open file (close-on-exec).
func duplicate(_ descriptor: Int32) throws(XenError) -> Int32 {
    let copy = fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
    guard copy >= 0 else { throw XenError(.systemCall, "dup failed", errno: errno) }
    return copy
}

/// A read-only descriptor of the same memfd: mmap with PROT_WRITE and MAP_SHARED then fails with EACCES, so a
/// read-only grant is enforced by the kernel, not only by this process's checks.
func reopenReadOnly(_ descriptor: Int32) throws(XenError) -> Int32 {
    let copy = open("/proc/self/fd/\(descriptor)", O_RDONLY | O_CLOEXEC)
    guard copy >= 0 else { throw XenError(.systemCall, "read-only reopen of a frame failed", errno: errno) }
    return copy
}
