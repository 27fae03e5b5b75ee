// SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging
import NIOPosix
import SystemPackage
import Testing
import VTPMManager

@testable import XenSplitDriver

/// tpmback in this process with a manager that answers with large packets, and a real `vtpm xen front` process:
/// packets of several pages cross the ring in both directions through real shared memory between processes.
@Suite("split driver across processes", .serialized)
struct SplitDriverProcessTests {
    final class Dom0: @unchecked Sendable {
        let directory: String
        let xenstore: XenStoreServer
        let hypervisor: HypervisorServer
        let backend: TPMBackend
        var socket: String { xenstore.socketPath }

        init(route: @escaping TPMBackend.Route) async throws {
            directory =
                FileManager.default.temporaryDirectory.appendingPathComponent(
                    "vtpm-split-\(UUID().uuidString.prefix(8))"
                ).path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            xenstore = XenStoreServer(
                store: XenStore(), socketPath: directory + "/xs", group: .singletonMultiThreadedEventLoopGroup,
                logger: Logger(label: "test.xs"))
            try await xenstore.start()
            let hv = try Hypervisor()
            hypervisor = HypervisorServer(
                hypervisor: hv, socketPath: HypervisorServer.defaultSocketPath(forXenStore: directory + "/xs"),
                logger: Logger(label: "test.hv"))
            try hypervisor.start()
            backend = try TPMBackend(
                store: xenstore.store, domain: LocalDomain(hypervisor: hv),
                manager: InstanceManager(stateDirectory: nil), route: route,
                assignments: InstanceAssignments(directory: nil), requestLimit: TPMIFRing.capacity,
                logger: Logger(label: "test.backend"))
            try backend.start()
        }

        func attach(domid: UInt32) throws {
            let be = "/local/domain/0/backend/vtpm/\(domid)/0"
            let fe = "/local/domain/\(domid)/device/vtpm/0"
            for (path, value) in [
                ("\(be)/domain", "vm\(domid)"), ("\(be)/frontend", fe), ("\(be)/frontend-id", "\(domid)"),
                ("\(be)/state", "1"), ("\(fe)/backend", be), ("\(fe)/backend-id", "0"), ("\(fe)/state", "1"),
            ] {
                try xenstore.store.write(XenStorePath(path), Array(value.utf8), caller: 0)
            }
        }

        func state(_ path: String) -> String? {
            (try? xenstore.store.read(XenStorePath(path), caller: 0)).map { String(decoding: $0, as: UTF8.self) }
        }

        func stop() async {
            backend.stop()
            hypervisor.stop()
            await xenstore.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// `vtpm xen front` for `domid`, started from the build directory.
    static func front(_ dom0: Dom0, domid: UInt32) throws -> (Process, String) {
        let device = dom0.directory + "/tpm\(domid)"
        let process = try Programs.process(
            Programs.vtpm,
            ["xen", "front", "--xenstore-socket", dom0.socket, "--domid", "\(domid)", "--device", device],
            hint: "build with `swift build --build-tests` first")
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(15)
        while dom0.state("/local/domain/0/backend/vtpm/\(domid)/0/state") != "4"
            || !FileManager.default.fileExists(atPath: device),
            Date() < deadline
        {
            Thread.sleep(forTimeInterval: 0.02)
        }
        return (process, device)
    }

    @Test("a three-page request and a three-page response, through pages shared by two processes")
    func multiPageBothWays() async throws {
        // The manager's answer: 12 800 bytes, a header then the request's bytes reversed and padded.
        let dom0 = try await Dom0 { packet in
            let size = 12_800
            var body = Array(packet.dropFirst(4 + 10).reversed())
            body += [UInt8](repeating: 0xEE, count: size - 10 - body.count)
            return Array(packet.prefix(4)) + [0x80, 0x01] + withUnsafeBytes(of: UInt32(size).bigEndian) { Array($0) }
                + [0, 0, 0, 0] + body
        }
        try dom0.attach(domid: 3)
        let (process, device) = try Self.front(dom0, domid: 3)
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        #expect(dom0.state("/local/domain/0/backend/vtpm/3/0/state") == "4")
        let size = 3 * 4096 + 77
        let payload = (0..<(size - 10)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let request =
            [0x80, 0x01] + withUnsafeBytes(of: UInt32(size).bigEndian) { Array($0) } + [0, 0, 0x01, 0x7B]
            + payload
        let client = try UnixSocket.connect(to: device, kind: .stream)
        defer { client.close() }
        client.setReceiveTimeout(milliseconds: 20_000)
        try client.send(request)
        var response: [UInt8] = []
        while response.count < 12_800 {
            let chunk = try client.receive(capacity: 65536).bytes
            guard !chunk.isEmpty else { break }
            response += chunk
        }
        #expect(response.count == 12_800)
        #expect(Array(response.dropFirst(10).prefix(payload.count)) == payload.reversed())
        #expect(dom0.backend.status.first?.served == 1)
        await dom0.stop()
    }

    @Test("the backend sees a frontend's domain die and takes the new frontend's ring")
    func frontendDeath() async throws {
        let dom0 = try await Dom0 { packet in Array(packet.prefix(4)) + [0x80, 0x01, 0, 0, 0, 0x0A, 0, 0, 0, 0] }
        try dom0.attach(domid: 4)
        let (first, _) = try Self.front(dom0, domid: 4)
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let deadline = Date().addingTimeInterval(10)
        while dom0.backend.status.first?.connected == true, Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(dom0.backend.status.first?.connected == false, "@releaseDomain ended the connection")
        #expect(dom0.state("/local/domain/0/backend/vtpm/4/0/state") == "2")
        let (second, device) = try Self.front(dom0, domid: 4)
        defer {
            second.terminate()
            second.waitUntilExit()
        }
        #expect(dom0.backend.status.first?.connected == true)
        let client = try UnixSocket.connect(to: device, kind: .stream)
        defer { client.close() }
        try client.send([0x80, 0x01, 0, 0, 0, 0x0C, 0, 0, 0x01, 0x7B, 0, 8])
        #expect(try client.receive(capacity: 100).bytes == [0x80, 0x01, 0, 0, 0, 0x0A, 0, 0, 0, 0])
        await dom0.stop()
    }
}
