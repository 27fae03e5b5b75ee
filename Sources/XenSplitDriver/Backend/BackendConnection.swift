// SPDX-License-Identifier: Apache-2.0

import Dispatch
import Foundation
import Logging
import Synchronization
import VTPMManager

/// One connected tpmif device in the backend: the frontend's ring page mapped through its grant, the bound event
/// channel, and a thread that answers each request.
///
/// The thread blocks on the event channel (one read), takes the request out of the granted pages, checks it
/// (``RequestCheck``), puts the instance number from xenstore in front and hands it to the manager's
/// `/dev/vtpm` endpoint, then writes the answer into the same pages and notifies. Data pages are mapped on first
/// use and kept while the slot keeps its grant reference, so a steady guest costs no hypervisor calls.
final class BackendConnection: Sendable {
    struct Statistics: Sendable {
        var served: UInt64 = 0
        var refused: UInt64 = 0
    }

    let frontendDomain: DomainID
    let ringRef: GrantRef
    let remotePort: EventPort
    let instance: InstanceID

    private let domain: any DomainHandle
    private let ring: MappedGrant
    private let channel: EventChannel
    private let route: TPMBackend.Route
    private let limit: Int
    private let logger: Logger
    private let pages = Mutex<[MappedGrant?]>(Array(repeating: nil, count: TPMIFRing.slotCount))
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let counters = Mutex(Statistics())

    /// Maps the ring and binds the channel; the caller starts serving with ``start()``.
    init(
        domain: any DomainHandle, frontendDomain: DomainID, ringRef: GrantRef, remotePort: EventPort,
        instance: InstanceID, route: @escaping TPMBackend.Route, limit: Int, logger: Logger
    ) throws(XenError) {
        self.domain = domain
        self.frontendDomain = frontendDomain
        self.ringRef = ringRef
        self.remotePort = remotePort
        self.instance = instance
        self.route = route
        self.limit = limit
        self.logger = logger
        ring = try domain.mapGrant(granter: frontendDomain, ref: ringRef, writable: true)
        do {
            channel = try domain.bindInterdomain(remote: frontendDomain, port: remotePort)
        } catch {
            try? domain.unmap(ring)
            throw error
        }
    }

    var statistics: Statistics { counters.withLock { $0 } }

    func start() {
        Thread.detachNewThread { [self] in
            while true {
                channel.wait()
                if stopping.load(ordering: .acquiring) { break }
                serveOneRequest()
            }
            finished.signal()
        }
    }

    /// Stops the thread, then unmaps every page and closes the channel.
    func stop() {
        stopping.store(true, ordering: .releasing)
        // Our own write end of our own pipe: nothing the guest does can keep this wake-up from arriving.
        channel.interruptWait()
        finished.wait()
        for mapping in pages.withLock({ $0 }) {
            if let mapping { try? domain.unmap(mapping) }
        }
        try? domain.unmap(ring)
        try? domain.close(channel)
    }

    // MARK: - Requests

    private func serveOneRequest() {
        let request: [UInt8]
        do throws(XenError) {
            request = try TPMIFRing.read(ring: ring.page, limit: limit) { index, slot throws(XenError) in
                try page(index, ref: slot.ref)
            }
        } catch {
            // The slots themselves are inconsistent: answer from what page 0 holds, if anything.
            let head = (try? page(0, ref: TPMIFRing.slot(0, in: ring.page).ref).load(at: 0, count: 2)) ?? []
            refuse(head, because: error.reason)
            return
        }
        if let problem = RequestCheck.problem(request, limit: limit) {
            refuse(request, because: problem)
            return
        }
        let prefix = withUnsafeBytes(of: instance.rawValue.bigEndian) { Array($0) }
        let answer = route(prefix + request)
        counters.withLock { $0.served += 1 }
        guard answer.count >= ManagerDevice.prefixSize, Array(answer.prefix(ManagerDevice.prefixSize)) == prefix else {
            logger.error("the manager answered for another instance; the guest gets TPM_FAIL instead")
            respond(RequestCheck.refusal(for: request))
            return
        }
        respond(Array(answer.dropFirst(ManagerDevice.prefixSize)))
    }

    private func refuse(_ request: [UInt8], because problem: String) {
        counters.withLock { $0.refused += 1 }
        logger.debug(
            "request refused by the driver: \(problem)",
            metadata: ["xen.domid": "\(frontendDomain)", "vtpm.instance": "\(instance)"])
        respond(RequestCheck.refusal(for: request))
    }

    private func respond(_ response: [UInt8]) {
        do throws(XenError) {
            guard response.count <= TPMIFRing.capacity else {
                throw XenError(.invalidPacket, "a response of \(response.count) bytes does not fit the ring")
            }
            let count = TPMIFRing.pageCount(response.count)
            var targets: [SharedPage] = []
            for index in 0..<count {
                targets.append(try page(index, ref: TPMIFRing.slot(index, in: ring.page).ref))
            }
            try TPMIFRing.write(response, ring: ring.page, pages: targets)
        } catch {
            logger.warning(
                "cannot write a response into the frontend's pages: \(error)",
                metadata: ["xen.domid": "\(frontendDomain)"])
        }
        channel.notify()
    }

    /// The local port of the bound channel (unbound again once the frontend's domain is destroyed).
    var localPort: EventPort { channel.port }

    /// Slot `index`'s page, mapped through `ref` (again if the frontend changed the slot's grant).
    private func page(_ index: Int, ref: GrantRef) throws(XenError) -> SharedPage {
        if let cached = pages.withLock({ $0[index] }), cached.ref == ref { return cached.page }
        let mapping = try domain.mapGrant(granter: frontendDomain, ref: ref, writable: true)
        let old = pages.withLock { pages in
            defer { pages[index] = mapping }
            return pages[index]
        }
        if let old { try? domain.unmap(old) }
        return mapping.page
    }
}
