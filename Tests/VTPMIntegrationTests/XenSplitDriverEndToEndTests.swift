// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import VTPMManager
import XenSplitDriver

/// The Xen split driver end to end, every part a process of its own: vtpmd --xen (xenstored, hypervisor,
/// manager, tpmback) and one `vtpm xen front` per guest, driven by tpm2-tools through the guests' devices.
@Suite("Xen split driver end to end", .serialized)
struct XenSplitDriverEndToEndTests {
    static let getRandom8: [UInt8] = [0x80, 0x01, 0, 0, 0, 0x0C, 0, 0, 0x01, 0x7B, 0, 8]
    static let pcr16 = "16:sha256=" + String(repeating: "ab", count: 32)

    @Test("two guests, two instances: tpm2-tools reach their own TPM; a PCR extend in one is invisible in the other")
    func twoGuestsHaveTheirOwnTPMs() throws {
        let daemon = try XenDaemon()
        let first = try daemon.attach(domid: 1, name: "guest1", preferred: 5)
        let second = try daemon.attach(domid: 2, name: "guest2", preferred: 5)
        #expect(first == 5, "a free preferred instance is honoured")
        #expect(second == 1, "a taken preferred instance falls back to the lowest free one")
        let guest1 = try GuestFrontend(daemon, domid: 1)
        let guest2 = try GuestFrontend(daemon, domid: 2)

        try guest1.tpm2Succeeds("startup", ["-c"])
        try guest2.tpm2Succeeds("startup", ["-c"])
        let before2 = try daemon.counters(second)
        try guest1.tpm2Succeeds("pcrextend", [Self.pcr16])
        #expect(try daemon.counters(second) == before2, "guest 1's commands never reach guest 2's instance")
        let read1 = try guest1.tpm2Succeeds("pcrread", ["sha256:16"])
        let read2 = try guest2.tpm2Succeeds("pcrread", ["sha256:16"])
        #expect(read2.contains("0x" + String(repeating: "0", count: 64)), "guest 2's PCR 16 is untouched: \(read2)")
        #expect(!read1.contains("0x" + String(repeating: "0", count: 64)), "guest 1's PCR 16 moved: \(read1)")
        #expect(try daemon.counters(first).commands >= 3)
        let random = try guest2.tpm2Succeeds("getrandom", ["--hex", "16"])
        #expect(random.count == 32)
        #expect(try daemon.read(daemon.backendPath(1) + "/ready") == "1")
    }

    @Test("malformed packets get the driver's own answer and never reach the manager; the backend keeps serving")
    func malformedPacketsStopAtTheDriver() throws {
        let daemon = try XenDaemon()
        let instance = try daemon.attach(domid: 3, name: "raw")
        let guest = try GuestFrontend(daemon, domid: 3, unchecked: true)
        let commandSize: [UInt8] = [0x80, 0x01, 0, 0, 0, 0x0A, 0, 0, 0x01, 0x42]
        let cases: [(String, [UInt8], [UInt8])] = [
            ("short header", [0x80, 0x01, 0, 0, 0, 0x0C], commandSize),
            ("size field larger than the packet", [0x80, 0x01, 0, 0, 0, 0x10, 0, 0, 0x01, 0x7B, 0, 8], commandSize),
            ("size field smaller than the packet", [0x80, 0x01, 0, 0, 0, 0x0A, 0, 0, 0x01, 0x7B, 0, 8], commandSize),
            ("oversize", [0x80, 0x01, 0, 0, 0x14, 0x00] + [UInt8](repeating: 0, count: 5114), commandSize),
            (
                "TPM 1.2 garbage", [0x00, 0xC1, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4, 5],
                [0x00, 0xC4, 0, 0, 0, 0x0A, 0, 0, 0, 0x09]
            ),
            ("garbage", [0x13, 0x37, 0x42], [0x00, 0x3A, 0, 0, 0, 0x0A, 0, 0, 0, 0x09]),
        ]
        for (name, packet, expected) in cases {
            #expect(try guest.exchange(packet) == expected, "\(name)")
        }
        #expect(try daemon.counters(instance) == .init(commands: 0, refused: 0), "nothing reached the manager")
        let answer = try guest.exchange(Self.getRandom8)
        #expect(answer.count == 10 && answer[6..<10] == [0, 0, 0x01, 0x00], "TPM_RC_INITIALIZE from the TPM itself")
        #expect(try daemon.counters(instance).commands == 1)
    }

    @Test("a guest cannot reach another instance: a forged instance prefix is just a malformed command")
    func forgedPrefixHasNoEffect() throws {
        let daemon = try XenDaemon()
        let victim = try daemon.attach(domid: 4, name: "victim")
        let attacker = try daemon.attach(domid: 5, name: "attacker")
        let guest = try GuestFrontend(daemon, domid: 5, unchecked: true)
        let victimBytes = withUnsafeBytes(of: victim.bigEndian) { Array($0) }
        let forged = victimBytes + Self.getRandom8
        #expect(try guest.exchange(forged) == [0x00, 0x03, 0, 0, 0, 0x0A, 0, 0, 0, 0x09])
        // A well-formed command whose body ends with the victim's number still goes to the attacker's instance.
        _ = try guest.exchange(Self.getRandom8)
        #expect(try daemon.counters(victim) == .init(commands: 0, refused: 0))
        #expect(try daemon.counters(attacker).commands == 1)
    }

    @Test("a request of three pages goes through the ring to the TPM (which refuses its size)")
    func multiPageRequestReachesTheTPM() throws {
        let daemon = try XenDaemon(extraArguments: ["--xen-request-limit", "40960"])
        let instance = try daemon.attach(domid: 6, name: "big")
        let guest = try GuestFrontend(daemon, domid: 6)
        let size = 3 * 4096 + 100
        let command: [UInt8] =
            [0x80, 0x01] + withUnsafeBytes(of: UInt32(size).bigEndian) { Array($0) }
            + [0, 0, 0x01, 0x7B] + [UInt8](repeating: 0x5A, count: size - 10)
        let answer = try guest.exchange(command)
        #expect(answer == [0x80, 0x01, 0, 0, 0, 0x0A, 0, 0, 0x01, 0x42])
        #expect(try daemon.counters(instance).commands == 1, "the TPM, not the driver, answered")
    }

    @Test("a frontend restart reconnects to the same instance; the TPM keeps its state")
    func frontendRestart() throws {
        let daemon = try XenDaemon()
        let instance = try daemon.attach(domid: 7, name: "restarter")
        let guest = try GuestFrontend(daemon, domid: 7)
        try guest.tpm2Succeeds("startup", ["-c"])
        try guest.tpm2Succeeds("pcrextend", [Self.pcr16])
        let extended = try guest.tpm2Succeeds("pcrread", ["sha256:16"])

        guest.stop(signal: SIGKILL)  // a guest kernel that dies without a goodbye
        try guest.start()
        #expect(try daemon.read("/local/domain/7/device/vtpm/0/ring-ref") != nil)
        #expect(try guest.tpm2Succeeds("pcrread", ["sha256:16"]) == extended)
        #expect(try daemon.read(daemon.backendPath(7) + "/instance") == String(instance))

        guest.stop()  // SIGTERM: a clean disconnect
        #expect(try daemon.waitFor("/local/domain/7/device/vtpm/0/state", "6"))
        try guest.start()
        #expect(try guest.tpm2Succeeds("pcrread", ["sha256:16"]) == extended)
    }

    @Test("the VM-to-instance table survives a daemon restart")
    func instanceMappingSurvivesRestart() throws {
        let daemon = try XenDaemon()
        #expect(try daemon.attach(domid: 8, name: "alpha") == 1)
        #expect(try daemon.attach(domid: 9, name: "beta", preferred: 7) == 7)
        let guest = try GuestFrontend(daemon, domid: 9)
        try guest.tpm2Succeeds("startup", ["-c"])
        guest.stop(signal: SIGKILL)
        #expect(daemon.stop() == 0)
        let table = try String(contentsOf: daemon.stateDirectory.appendingPathComponent("vtpm.db"), encoding: .utf8)
        #expect(table.hasSuffix("alpha 1\nbeta 7\n"))

        try daemon.start()
        #expect(try daemon.read(daemon.backendPath(9) + "/instance") == "7")
        try guest.start()
        // Same instance, same permanent state: the TPM was started before, so it wants Startup again after the
        // power cycle, and then answers.
        try guest.tpm2Succeeds("startup", ["-c"])
        try guest.tpm2Succeeds("getrandom", ["--hex", "8"])
        #expect(try daemon.counters(7).commands >= 2)
        #expect(try daemon.counters(1).commands == 0)
    }

    @Test("a guest's xenstore connection from the hypervisor is its domain: its own keys, not another guest's")
    func guestXenStoreIdentity() throws {
        let daemon = try XenDaemon()
        try daemon.attach(domid: 11, name: "one")
        try daemon.attach(domid: 12, name: "two")
        let guest = try GuestFrontend(daemon, domid: 11)
        #expect(try daemon.read("/local/domain/11/device/vtpm/0/state") == "4")

        // This test process now claims domain 12 itself, as a second guest would.
        let domain = try HypervisorClient(
            socketPath: HypervisorServer.defaultSocketPath(forXenStore: daemon.xenstoreSocket), domid: 12)
        let own = try #require(domain.takeXenStoreConnection())
        let xenstore = try XenStoreClient(connection: own)
        defer { xenstore.close() }
        #expect(try xenstore.read("device/vtpm/0/state") == "1", "relative paths resolve under /local/domain/12")
        try xenstore.write("device/vtpm/0/probe", "mine")
        #expect(try xenstore.read("/local/domain/0/backend/vtpm/12/0/instance") != nil, "its backend is readable")
        let foreign = #expect(throws: XenError.self) { try xenstore.read("/local/domain/11/device/vtpm/0/ring-ref") }
        #expect(foreign?.storeError == .accessDenied)
        let forged = #expect(throws: XenError.self) {
            try xenstore.write("/local/domain/0/backend/vtpm/12/0/instance", "1")
        }
        #expect(forged?.storeError == .accessDenied, "a guest cannot choose its instance")

        // Guest 11's ring page is granted to domain 0 only: domain 12 (this process) cannot map it through
        // vtpmd's hypervisor, though it knows the reference.
        let ringRef = try #require(try daemon.read("/local/domain/11/device/vtpm/0/ring-ref").flatMap(UInt32.init))
        let refused = #expect(throws: XenError.self) { try domain.mapGrant(granter: 11, ref: ringRef, writable: false) }
        #expect(refused?.code == .permissionDenied)
        try guest.tpm2Succeeds("startup", ["-c"])
        #expect(try guest.tpm2Succeeds("getrandom", ["--hex", "4"]).count == 8, "guest 11 is unaffected")

        // When the domain ends, so does its xenstore connection: nobody speaks as domain 12 any more.
        domain.disconnect()
        let deadline = Date().addingTimeInterval(10)
        var ended = false
        while !ended, Date() < deadline {
            do {
                _ = try xenstore.read("device/vtpm/0/state")
                Thread.sleep(forTimeInterval: 0.02)
            } catch {
                ended = error.code == .connectionLost
            }
        }
        #expect(ended, "the guest's xenstore connection closed with its domain")
    }

    @Test("detach: the frontend lets go, xenstore is clean; re-attach gives the VM its instance back")
    func detachAndReattach() throws {
        let daemon = try XenDaemon()
        let instance = try daemon.attach(domid: 13, name: "mover", preferred: 9)
        let guest = try GuestFrontend(daemon, domid: 13)
        try guest.tpm2Succeeds("startup", ["-c"])
        try guest.tpm2Succeeds("pcrextend", [Self.pcr16])
        let extended = try guest.tpm2Succeeds("pcrread", ["sha256:16"])
        let listed = try daemon.vtpm(["xen", "list", "--xenstore-socket", daemon.xenstoreSocket]).stdout
        #expect(listed.contains("mover") && listed.contains("Connected/Connected"), "\(listed)")

        let detach = try daemon.vtpm(["xen", "detach", "--xenstore-socket", daemon.xenstoreSocket, "--domid", "13"])
        #expect(detach.succeeded && detach.stdout.contains("backend closed it"), "\(detach)")
        let tree = try daemon.xenstore("ls", ["-f", "/local/domain"]).stdout
        #expect(!tree.contains("vtpm/13") && !tree.contains("13/device/vtpm"), "nothing left: \(tree)")
        #expect(
            try guest.exchange(Self.getRandom8) == [0x80, 0x01, 0, 0, 0, 0x0A, 0, 0, 0x01, 0x01],
            "no backend for 10 s: the device answers TPM_RC_FAILURE itself")

        #expect(try daemon.attach(domid: 13, name: "mover") == instance, "vtpm.db keeps the VM's instance")
        #expect(try daemon.waitFor(daemon.backendPath(13) + "/state", "4"), "the running frontend connects again")
        #expect(try guest.tpm2Succeeds("pcrread", ["sha256:16"]) == extended, "the same TPM, PCRs and all")
    }

    @Test("online 0 closes both ends; online 1 again and the same frontend reconnects")
    func onlineToggle() throws {
        let daemon = try XenDaemon()
        try daemon.attach(domid: 14, name: "toggler")
        let guest = try GuestFrontend(daemon, domid: 14)
        try guest.tpm2Succeeds("startup", ["-c"])
        let be = daemon.backendPath(14)
        #expect(try daemon.xenstore("write", [be + "/online", "0"]).succeeded)
        #expect(try daemon.waitFor(be + "/state", "6"), "the backend closes")
        #expect(try daemon.waitFor("/local/domain/14/device/vtpm/0/state", "6"), "the frontend lets go")
        #expect(try daemon.xenstore("write", [be + "/online", "1"]).succeeded)
        #expect(try daemon.waitFor(be + "/state", "4"), "connected again")
        #expect(try guest.tpm2Succeeds("getrandom", ["--hex", "4"]).count == 8)
    }
}
