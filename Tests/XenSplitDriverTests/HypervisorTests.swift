// SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging
import Testing

@testable import XenSplitDriver

/// The hypervisor stand-in through its socket: each client connection is a domain, as a guest process would be.
@Suite("hypervisor stand-in: domains, grants, event channels")
struct HypervisorTests {
    final class Running: Sendable {
        let directory: String
        let server: HypervisorServer

        init() throws {
            directory =
                FileManager.default.temporaryDirectory.appendingPathComponent(
                    "vtpm-hv-\(UUID().uuidString.prefix(8))"
                ).path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            server = HypervisorServer(
                hypervisor: try Hypervisor(), socketPath: directory + "/hv", logger: Logger(label: "test.hv"))
            try server.start()
        }

        func domain(_ id: DomainID) throws -> HypervisorClient {
            try HypervisorClient(socketPath: server.socketPath, domid: id)
        }

        deinit {
            server.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    @Test("a grant maps only for the domain it names; a read-only grant refuses a writable map")
    func grantsAreEnforced() throws {
        let hv = try Running()
        let guest = try hv.domain(1)
        let backend = try hv.domain(2)
        let intruder = try hv.domain(3)
        let grants = GrantTableWriter(table: guest.grantTable)

        let (frame, page) = try guest.allocatePage()
        try page.store(Array("shared".utf8), at: 0)
        let ref = try grants.grantAccess(to: 2, frame: frame)
        let mapped = try backend.mapGrant(granter: 1, ref: ref, writable: true)
        #expect(mapped.page.load(at: 0, count: 6) == Array("shared".utf8))
        try mapped.page.store(Array("answer".utf8), at: 0)
        #expect(page.load(at: 0, count: 6) == Array("answer".utf8), "one page, two processes' views")

        #expect(throws: XenError(.permissionDenied, "")) {
            try intruder.mapGrant(granter: 1, ref: ref, writable: false)
        }
        #expect(throws: XenError(.badGrant, "")) { try backend.mapGrant(granter: 1, ref: ref + 1, writable: false) }
        #expect(throws: XenError(.badDomain, "")) { try backend.mapGrant(granter: 9, ref: ref, writable: false) }

        let (roFrame, roPage) = try guest.allocatePage()
        try roPage.store([42], at: 100)
        let roRef = try grants.grantAccess(to: 2, frame: roFrame, readOnly: true)
        #expect(throws: XenError(.permissionDenied, "")) {
            try backend.mapGrant(granter: 1, ref: roRef, writable: true)
        }
        let readOnly = try backend.mapGrant(granter: 1, ref: roRef, writable: false)
        #expect(readOnly.page.load(at: 100, count: 1) == [42])
        #expect(throws: XenError(.readOnly, "")) { try readOnly.page.store([0], at: 100) }

        // While mapped, the guest cannot end the grant (GTF_reading/GTF_writing are set by the hypervisor).
        #expect(grants.isMapped(ref))
        #expect(!grants.endAccess(ref))
        try backend.unmap(mapped)
        #expect(grants.endAccess(ref))
        #expect(throws: XenError(.badGrant, "")) { try backend.mapGrant(granter: 1, ref: ref, writable: true) }
        for client in [guest, backend, intruder] { client.disconnect() }
    }

    @Test("the kernel refuses a writable mapping of a read-only grant's descriptor")
    func readOnlyDescriptorCannotBeMappedWritable() throws {
        let hypervisor = try Hypervisor()
        let table = try hypervisor.createDomain(5)
        defer { close(table) }
        let (frame, descriptor) = try hypervisor.allocateFrame(5)
        close(descriptor)
        let grants = GrantTableWriter(table: try SharedPage(mapping: table, writable: true))
        let ref = try grants.grantAccess(to: 0, frame: frame, readOnly: true)
        let (_, readOnly) = try hypervisor.mapGrant(mapper: 0, granter: 5, ref: ref, writable: false)
        defer { close(readOnly) }
        let refused = #expect(throws: XenError.self) { try SharedPage(mapping: readOnly, writable: true) }
        #expect(refused?.errno == EACCES)
        #expect(try SharedPage(mapping: readOnly, writable: false).load(at: 0, count: 4) == [0, 0, 0, 0])
    }

    @Test("event channels: alloc unbound, bind interdomain, notify both ways, close")
    func eventChannels() throws {
        let hv = try Running()
        let guest = try hv.domain(1)
        let backend = try hv.domain(2)
        let offered = try guest.allocateUnbound(remote: 2)
        offered.notify()  // before the bind: dropped, as Xen drops sends on an unbound port
        #expect(throws: XenError(.badPort, "")) { try hv.domain(3).bindInterdomain(remote: 1, port: offered.port) }
        let bound = try backend.bindInterdomain(remote: 1, port: offered.port)
        #expect(!bound.wait(milliseconds: 50), "a send before the bind must not arrive")
        offered.notify()
        #expect(bound.wait(milliseconds: 2000))
        bound.notify()
        #expect(offered.wait(milliseconds: 2000))
        #expect(throws: XenError(.badPort, "")) { try backend.bindInterdomain(remote: 1, port: offered.port) }
        try guest.notifyThroughHypervisor(offered.port)
        #expect(bound.wait(milliseconds: 2000))
        try backend.close(bound)
        #expect(hv.server.hypervisor.isBound(1, offered.port) == false)
        guest.disconnect()
        backend.disconnect()
    }

    @Test("a guest that fills its pipe and makes its ends blocking cannot block the other side's notify")
    func notifyNeverBlocks() throws {
        let hv = try Running()
        let guest = try hv.domain(1)
        let backend = try hv.domain(2)
        let offered = try guest.allocateUnbound(remote: 2)
        let bound = try backend.bindInterdomain(remote: 1, port: offered.port)
        // The guest fills the pipe that wakes it, then clears O_NONBLOCK on every end it holds.
        var byte: UInt8 = 7
        while write(offered.selfWake.descriptor, &byte, 1) == 1 {}
        for descriptor in [offered.incoming.descriptor, offered.outgoing.descriptor, offered.selfWake.descriptor] {
            _ = fcntl(descriptor, F_SETFL, 0)
        }
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            bound.notify()
            bound.interruptWait()
            done.signal()
        }
        #expect(done.wait(timeout: .now() + 5) == .success, "the backend's writes returned at once")
        #expect(bound.wait(milliseconds: 1000), "its own wake-up still arrives")
        guest.disconnect()
        backend.disconnect()
    }

    @Test("one process per domain; a closed connection destroys the domain and fires its observers")
    func domainLifetime() throws {
        let hv = try Running()
        let released = LockedList()
        hv.server.hypervisor.observeDomains { id, alive in if !alive { released.append(id) } }
        let first = try hv.domain(7)
        #expect(throws: XenError(.domainBusy, "")) { try hv.domain(7) }
        #expect(throws: XenError(.badDomain, "")) { try hv.domain(0) }
        first.disconnect()
        let deadline = Date().addingTimeInterval(5)
        while hv.server.hypervisor.isRunning(7), Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(!hv.server.hypervisor.isRunning(7))
        #expect(released.values == [7])
        let again = try hv.domain(7)
        again.disconnect()
    }
}

final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [UInt32] = []
    func append(_ value: UInt32) { lock.withLock { items.append(value) } }
    var values: [UInt32] { lock.withLock { items } }
}
