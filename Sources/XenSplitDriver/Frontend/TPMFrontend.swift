// SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging
import Synchronization

/// tpmfront in a guest domain: owns the ring page and the data pages (allocated once, granted to the backend on
/// every connect), does the xenbus handshake of the 2006 driver and carries one TPM request at a time.
///
/// Handshake (old protocol): when `device/vtpm/<devid>` names a backend, grant the ring and the pages, allocate
/// an unbound event channel for the backend domain, write `ring-ref` and `event-channel` in one transaction and
/// go straight to Connected; requests flow once the backend says Connected too. A backend that goes Closing or
/// Closed ends the connection (grants ended, channel closed, state Closed); a backend back at InitWait, or the
/// device directory written again after a detach, starts a new handshake.
public final class TPMFrontend: Sendable {
    /// How long a request waits for a (re)connection before it fails: the 2006 driver queued for 10 s.
    public static let reconnectWait: Duration = .seconds(10)
    /// How long a request waits for its response before the connection is started again (TPM_RC_FAILURE to the
    /// caller). The longest TPM commands (key generation) take seconds, not minutes.
    public static let responseWait: Int32 = 120_000

    struct Link {
        enum Phase: Equatable { case detached, waitingForBackend, connected, closed }
        var phase: Phase = .detached
        var backendPath: String?
        var channel: EventChannel?
        var refs: [GrantRef] = []
        /// Grants the backend still had mapped when their connection ended; ended before new ones are made.
        var unended: [GrantRef] = []
        var watchedBackend: String?
    }

    public let domid: DomainID
    public let devid: UInt32
    public let devicePath: String
    private let xenstore: XenStoreClient
    private let domain: any DomainHandle
    private let grants: GrantTableWriter
    private let logger: Logger
    private let ring: (frame: FrameNumber, page: SharedPage)
    private let pages: [(frame: FrameNumber, page: SharedPage)]
    /// `pages` without their frame numbers, as the ring's reads and writes take them (made once, not per request).
    private let dataPages: [SharedPage]
    private let link = Mutex(Link())
    private let linkChanged: EventSignal
    private let requestLock = Mutex<Void>(())
    private let stopping = Atomic<Bool>(false)

    /// Allocates the ring page and one data page per slot in `domain`'s memory.
    public init(xenstore: XenStoreClient, domain: any DomainHandle, devid: UInt32 = 0, logger: Logger) throws(XenError)
    {
        self.domid = domain.domid
        self.devid = devid
        self.devicePath = "/local/domain/\(domain.domid)/device/vtpm/\(devid)"
        self.xenstore = xenstore
        self.domain = domain
        self.grants = GrantTableWriter(table: domain.grantTable)
        self.logger = logger
        self.ring = try domain.allocatePage()
        var pages: [(FrameNumber, SharedPage)] = []
        for _ in 0..<TPMIFRing.slotCount { pages.append(try domain.allocatePage()) }
        self.pages = pages
        self.dataPages = pages.map(\.1)
        self.linkChanged = try EventSignal()
    }

    /// Whether requests can flow now.
    public var isConnected: Bool { link.withLock { $0.phase == .connected } }

    /// Watches the device and backend directories and follows the handshake on a thread of its own. `onLost` runs
    /// if the xenstore connection ends (the backend domain is gone; a guest cannot outlive it).
    public func start(onLost: @escaping @Sendable (XenError) -> Void) throws(XenError) {
        try xenstore.watch(devicePath, token: "device")
        Thread.detachNewThread { [self] in
            while !stopping.load(ordering: .acquiring) {
                do throws(XenError) {
                    guard try xenstore.nextWatchEvent() != nil else { continue }
                    if stopping.load(ordering: .acquiring) { break }
                    try reconcile()
                } catch  where error.code == .connectionLost {
                    if !stopping.load(ordering: .acquiring) { onLost(error) }
                    return
                } catch {
                    // A refused read (e.g. a backend directory this domain may not read) or a failed handshake
                    // step: the next change in xenstore brings another attempt.
                    logger.warning("vtpm handshake step failed: \(error)", metadata: ["xen.domid": "\(domid)"])
                }
            }
        }
    }

    /// Ends the connection (state Closed) and stops following xenstore.
    public func stop() {
        stopping.store(true, ordering: .releasing)
        teardown(publishing: .closed)
        xenstore.close()
    }

    // MARK: - Requests

    /// Sends one request and returns the backend's answer. Waits up to ``reconnectWait`` for a connection.
    public func transmit(_ request: [UInt8]) throws(XenError) -> [UInt8] {
        guard request.count <= TPMIFRing.capacity else {
            throw XenError(
                .invalidPacket, "a request of \(request.count) bytes exceeds the ring's \(TPMIFRing.capacity)")
        }
        return try requestLock.withLock { _ throws(XenError) -> [UInt8] in
            let channel = try connectedChannel()
            try TPMIFRing.write(request, ring: ring.page, pages: dataPages)
            channel.notify()
            guard channel.wait(milliseconds: Self.responseWait) else {
                logger.warning(
                    "no response in \(Self.responseWait / 1000) s; connecting again",
                    metadata: ["xen.domid": "\(domid)"])
                restart()
                throw XenError(.timedOut, "the backend did not answer in \(Self.responseWait / 1000) s")
            }
            // Woken by a teardown rather than by the backend: the connection ended under the request.
            guard link.withLock({ $0.channel === channel && $0.phase == .connected }) else {
                throw XenError(.notConnected, "the backend disconnected while a request was outstanding")
            }
            return try TPMIFRing.read(ring: ring.page) { index, _ throws(XenError) in dataPages[index] }
        }
    }

    private func connectedChannel() throws(XenError) -> EventChannel {
        let deadline = ContinuousClock.now + Self.reconnectWait
        while true {
            if let channel = link.withLock({ $0.phase == .connected ? $0.channel : nil }) { return channel }
            let left = deadline - ContinuousClock.now
            guard left > .zero else {
                throw XenError(.notConnected, "vtpm device \(devid) of domain \(domid) is not connected to a backend")
            }
            _ = linkChanged.wait(milliseconds: Int32(min(left.components.seconds * 1000 + 1, 1000)))
        }
    }

    // MARK: - Handshake

    private func reconcile() throws(XenError) {
        guard let backendPath = try xenstore.read("\(devicePath)/backend"),
            let backendDomain = try xenstore.read("\(devicePath)/backend-id").flatMap(DomainID.init)
        else {
            if teardown(publishing: nil) { logger.info("vtpm device detached") }
            link.withLock { $0.phase = .detached }
            return
        }
        let current = link.withLock { $0 }
        if current.backendPath != backendPath, current.phase != .detached {
            teardown(publishing: nil)
            link.withLock { $0.phase = .detached }
        }
        if current.watchedBackend != backendPath {
            try xenstore.watch("\(backendPath)/state", token: "backend")
            link.withLock { $0.watchedBackend = backendPath }
        }
        let backendState = try state(of: backendPath)
        switch (link.withLock({ $0.phase }), backendState) {
        case (.detached, _), (.closed, .initialising?), (.closed, .initWait?):
            try setUp(backendPath: backendPath, backendDomain: backendDomain, backendState: backendState)
        case (.waitingForBackend, .connected?):
            markConnected(backendPath)
        case (.waitingForBackend, .closing?), (.waitingForBackend, .closed?), (.connected, .closing?),
            (.connected, .closed?):
            teardown(publishing: .closed)
        case (.connected, .initWait?), (.connected, .initialising?):
            // The backend let go of us (it restarted its side): offer a new connection.
            restart()
        default:
            break
        }
    }

    /// Step 4 of the handshake: grant, allocate the channel, publish both in one transaction, Connected. We only
    /// offer to a backend at Initialising or InitWait: one still Connected or Closed (from an earlier frontend
    /// of this domain) is first sent back to InitWait by our Initialising, so that what it says afterwards is an
    /// answer to this offer.
    private func setUp(backendPath: String, backendDomain: DomainID, backendState: XenbusState?) throws(XenError) {
        guard backendState == nil || backendState == .initialising || backendState == .initWait else {
            link.withLock { $0.phase = .closed }
            try publish(.initialising)
            return
        }
        endUnendedGrants()
        var refs: [GrantRef] = []
        var channel: EventChannel?
        do throws(XenError) {
            let ringRef = try grants.grantAccess(to: backendDomain, frame: ring.frame)
            refs.append(ringRef)
            try ring.page.clear()
            for (index, page) in pages.enumerated() {
                let ref = try grants.grantAccess(to: backendDomain, frame: page.frame)
                refs.append(ref)
                try TPMIFRing.setSlot(
                    TPMIFSlot(addr: UInt64(page.frame) << 12, ref: ref, remaining: 0), index, in: ring.page)
            }
            let offered = try domain.allocateUnbound(remote: backendDomain)
            channel = offered
            link.withLock { link in
                link.phase = .waitingForBackend
                link.backendPath = backendPath
                link.channel = offered
                link.refs = refs
            }
            try xenstore.transaction { id throws(XenError) in
                try xenstore.write("\(devicePath)/ring-ref", String(ringRef), transaction: id)
                try xenstore.write("\(devicePath)/event-channel", String(offered.port), transaction: id)
                try xenstore.write("\(devicePath)/state", String(XenbusState.connected.rawValue), transaction: id)
            }
            logger.debug("vtpm offered ring-ref \(ringRef), port \(offered.port)", metadata: ["xen.domid": "\(domid)"])
        } catch {
            // Roll back what was made; the next change in xenstore tries again.
            if link.withLock({ $0.channel === channel }) {
                teardown(publishing: nil)
            } else {
                if let channel { try? domain.close(channel) }
                for ref in refs { grants.endAccess(ref) }
                link.withLock { $0.phase = .closed }
            }
            throw error
        }
        // The backend may have answered before the watch on its state fired.
        if try state(of: backendPath) == .connected { markConnected(backendPath) }
    }

    private func markConnected(_ backendPath: String) {
        let changed = link.withLock { link -> Bool in
            guard link.phase == .waitingForBackend, link.backendPath == backendPath else { return false }
            link.phase = .connected
            return true
        }
        guard changed else { return }
        linkChanged.signal()
        logger.info("vtpm connected", metadata: ["xen.domid": "\(domid)"])
    }

    /// Ends the connection and offers a new one: Initialising, then step 4 once the backend is at InitWait.
    private func restart() {
        teardown(publishing: .initialising)
        guard let backendPath = link.withLock({ $0.backendPath }),
            let state = try? state(of: backendPath), state == .initWait || state == .initialising,
            let backendDomain = (try? xenstore.read("\(devicePath)/backend-id"))?.flatMap(DomainID.init)
        else { return }
        try? setUp(backendPath: backendPath, backendDomain: backendDomain, backendState: state)
    }

    private func state(of backendPath: String) throws(XenError) -> XenbusState? {
        try xenstore.read("\(backendPath)/state").flatMap(XenbusState.init(xenstoreValue:))
    }

    /// Ends grants and the channel and publishes `state` (nil: nothing, the directory may be gone). Returns
    /// whether there was a connection.
    @discardableResult
    private func teardown(publishing state: XenbusState?) -> Bool {
        let old = link.withLock { link -> Link in
            defer {
                link.phase = .closed
                link.channel = nil
                link.refs = []
            }
            return link
        }
        guard let channel = old.channel else { return false }
        channel.interruptWait()
        try? domain.close(channel)
        if let state { try? publish(state) }
        // The backend unmaps when it sees us go; give it a moment before the grants are ended.
        let deadline = ContinuousClock.now + .seconds(2)
        var pending = old.refs
        while !pending.isEmpty {
            pending = pending.filter { !grants.endAccess($0) }
            if pending.isEmpty || ContinuousClock.now > deadline { break }
            Thread.sleep(forTimeInterval: 0.01)
        }
        if !pending.isEmpty {
            logger.warning("grants \(pending) are still mapped by the backend; ended later")
            link.withLock { $0.unended += pending }
        }
        linkChanged.signal()
        return true
    }

    /// Writes our `state`, only while the device directory exists (a detach may just have removed it).
    private func publish(_ state: XenbusState) throws(XenError) {
        try xenstore.transaction { id throws(XenError) in
            guard try xenstore.read("\(devicePath)/backend", transaction: id) != nil else { return }
            try xenstore.write("\(devicePath)/state", String(state.rawValue), transaction: id)
        }
    }

    private func endUnendedGrants() {
        let unended = link.withLock { $0.unended }
        guard !unended.isEmpty else { return }
        let still = unended.filter { !grants.endAccess($0) }
        link.withLock { $0.unended = still }
    }
}
