// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing
import VTPMManager

@testable import XenSplitDriver

/// The toolstack (`VTPMToolstack`, `vtpm xen`) against our xenstored and a fake backend, checked with Debian's
/// xenstore-utils and the real `vtpm` binary. A missing tool fails loudly.
@Suite("vTPM toolstack: attach, detach, list")
struct ToolstackTests {
    typealias RunningXenStore = XenStoreCLITests.RunningXenStore

    /// A xenstored, a toolstack client on it and, unless `backend` is nil, a fake backend.
    static func withToolstack(
        backend: FakeVTPMBackend.Mode? = .assign,
        _ body: (RunningXenStore, VTPMToolstack) async throws -> Void
    ) async throws {
        try await XenStoreCLITests.withXenStore { xs in
            let fake = try backend.map { try FakeVTPMBackend(socket: xs.socket, mode: $0) }
            let client = try XenStoreClient(socketPath: xs.socket)
            defer {
                client.close()
                fake?.stop()
            }
            try await body(xs, VTPMToolstack(client: client))
        }
    }

    // MARK: - Attach

    @Test("attach writes xend's keys in both directories, with their permissions, and returns the instance")
    func attachWritesKeys() async throws {
        try await Self.withToolstack { (xs: RunningXenStore, toolstack: VTPMToolstack) async throws in
            let attached = try toolstack.attach(domid: 1, name: "guest1")
            #expect(attached.address == VTPMDeviceAddress(backendDomid: 0, domid: 1, devid: 0))
            #expect(attached.instance == InstanceID(1))
            let be = "/local/domain/0/backend/vtpm/1/0"
            let fe = "/local/domain/1/device/vtpm/0"
            #expect(
                try xs.run("ls", "-f", "/local/domain/0/backend/vtpm").output == """
                    /local/domain/0/backend/vtpm/1 = ""
                    \(be) = ""
                    \(be)/frontend = "\(fe)"
                    \(be)/frontend-id = "1"
                    \(be)/domain = "guest1"
                    \(be)/pref_instance = "0"
                    \(be)/resume = "False"
                    \(be)/online = "1"
                    \(be)/state = "1"
                    \(be)/handle = "0"
                    \(be)/instance = "1"
                    \(be)/hotplug-status = "connected"

                    """)
            #expect(
                try xs.run("ls", "-f", "/local/domain/1").output == """
                    /local/domain/1/device = ""
                    /local/domain/1/device/vtpm = ""
                    \(fe) = ""
                    \(fe)/backend = "\(be)"
                    \(fe)/backend-id = "0"
                    \(fe)/handle = "0"
                    \(fe)/state = "1"
                    /local/domain/1/name = "guest1"

                    """)
            #expect(try permissions(xs, be) == Array(repeating: "n0,r1", count: 11))
            #expect(try permissions(xs, fe) == Array(repeating: "n1,r0", count: 5))
        }
    }

    /// The permission list `xenstore-ls -p` prints for `path` and each node below it.
    func permissions(_ xs: RunningXenStore, _ path: String) throws -> [String] {
        let parent = String(path[..<path.lastIndex(of: "/")!])
        let name = path[path.index(after: path.lastIndex(of: "/")!)...]
        let listing = try xs.run("ls", "-p", parent)
        try #require(listing.status == 0, "xenstore-ls -p \(parent): \(listing.error)")
        // The node itself, then its children (indented by one space).
        var lines = listing.output.split(separator: "\n").drop { !$0.hasPrefix("\(name) = ") }
        if let first = lines.first { lines = [first] + lines.dropFirst().prefix { $0.hasPrefix(" ") } }
        return lines.map { line in
            guard let open = line.lastIndex(of: "("), line.hasSuffix(")") else { return "?" }
            return String(line[line.index(after: open)..<line.index(before: line.endIndex)])
        }
    }

    @Test("devids: the lowest free per guest; another guest starts at 0; an explicit one is used or refused")
    func devidAllocation() async throws {
        try await Self.withToolstack { (xs: RunningXenStore, toolstack: VTPMToolstack) async throws in
            #expect(try toolstack.attach(domid: 1, name: "guest1").address.devid == 0)
            let second = try toolstack.attach(domid: 2, name: "guest2")
            #expect(second.address.devid == 0 && second.instance == InstanceID(2))
            let again = try toolstack.attach(domid: 1, name: "guest1-b")
            #expect(again.address.devid == 1 && again.instance == InstanceID(3))
            #expect(try toolstack.attach(domid: 3, name: "guest3", devid: 5).address.devid == 5)
            #expect(try xs.run("read", "/local/domain/3/device/vtpm/5/handle").output == "5\n")
            let taken = #expect(throws: XenError(.alreadyExists, "")) {
                try toolstack.attach(domid: 1, name: "guest1-c", devid: 1)
            }
            #expect(taken?.reason == "domain 1 already has vtpm device 1")
            #expect(try xs.run("exists", "/local/domain/0/backend/vtpm/1/1/domain").status == 0)
            #expect(try xs.run("read", "/local/domain/0/backend/vtpm/1/1/domain").output == "guest1-b\n")
            #expect(try xs.run("read", "/local/domain/1/name").output == "guest1\n", "the first name stays")
        }
    }

    @Test("pref_instance is written and the backend honours it")
    func preferredInstance() async throws {
        try await Self.withToolstack { (xs: RunningXenStore, toolstack: VTPMToolstack) async throws in
            let attached = try toolstack.attach(domid: 4, name: "guest4", preferredInstance: InstanceID(7))
            #expect(attached.instance == InstanceID(7))
            #expect(try xs.run("read", "/local/domain/0/backend/vtpm/4/0/pref_instance").output == "7\n")
        }
    }

    @Test(
        "bad arguments are refused before xenstore is touched",
        arguments: [
            (UInt32(0), UInt32(0), "guest", "domain 0 cannot be a vTPM frontend: give the guest's domid"),
            (1, 1, "guest", "domain 1 cannot be its own vTPM backend"),
            (1, 0, "", "the domain name is empty"),
            (1, 0, "my guest", "the domain name 'my guest' contains whitespace (vtpm.db cannot hold it)"),
            (1, 0, "tab\tbed", "the domain name 'tab\tbed' contains whitespace (vtpm.db cannot hold it)"),
            (1, 0, "#guest", "the domain name '#guest' starts with '#' (a comment in vtpm.db)"),
        ])
    func badArguments(domid: UInt32, backend: UInt32, name: String, reason: String) async throws {
        try await Self.withToolstack { (xs: RunningXenStore, toolstack: VTPMToolstack) async throws in
            let error = #expect(throws: XenError(.invalidArgument, "")) {
                try toolstack.attach(domid: domid, name: name, backendDomid: backend, timeout: .milliseconds(100))
            }
            #expect(error?.reason == reason)
            #expect(try toolstack.list() == [])
            #expect(try xs.run("exists", "/local/domain/\(domid)/device").status != 0)
            #expect(try xs.run("exists", "/local/domain/\(domid)/name").status != 0)
        }
    }

    @Test("a name attached to another device is refused")
    func nameConflict() async throws {
        try await Self.withToolstack { (xs: RunningXenStore, toolstack: VTPMToolstack) async throws in
            try toolstack.attach(domid: 1, name: "guest1")
            let error = #expect(throws: XenError(.alreadyExists, "")) {
                try toolstack.attach(domid: 2, name: "guest1")
            }
            #expect(error?.reason == "'guest1' is already attached as domain 1 vtpm 0 (backend domain 0)")
            #expect(try xs.run("exists", "/local/domain/0/backend/vtpm/2").status != 0)
        }
    }

    @Test("no backend: attach times out, says why, and leaves the entries in place")
    func timeoutWithoutBackend() async throws {
        try await Self.withToolstack(backend: nil) { (xs: RunningXenStore, toolstack: VTPMToolstack) async throws in
            let error = #expect(throws: XenError(.timedOut, "")) {
                try toolstack.attach(domid: 1, name: "guest1", timeout: .milliseconds(300))
            }
            #expect(error?.reason.hasPrefix("no backend answered within 0.3 s: is `vtpmd --xen` running") == true)
            #expect(error?.reason.contains("stay in place") == true)
            #expect(try xs.run("read", "/local/domain/0/backend/vtpm/1/0/domain").output == "guest1\n")
            #expect(try xs.run("read", "/local/domain/1/device/vtpm/0/state").output == "1\n")
        }
    }

    @Test("a hotplug error is surfaced with the backend's reason")
    func hotplugError() async throws {
        try await Self.withToolstack(backend: .refuse("no free instance")) { _, toolstack in
            let error = #expect(throws: XenError(.hotplugFailed, "")) {
                try toolstack.attach(domid: 1, name: "guest1")
            }
            #expect(error?.reason == "the backend refused domain 1 vtpm 0 (backend domain 0): no free instance")
            let detached = try toolstack.detach(domid: 1, timeout: .milliseconds(300))
            #expect(detached.backendAnswer == .notNeeded)
        }
    }

    // MARK: - Detach

    @Test("detach: online = 0, the backend closes, both trees and the empty parents go")
    func detachCleansUp() async throws {
        try await Self.withToolstack { (xs: RunningXenStore, toolstack: VTPMToolstack) async throws in
            try toolstack.attach(domid: 1, name: "guest1")
            let detached = try toolstack.detach(domid: 1)
            #expect(detached.backendAnswer == .closed)
            #expect(detached.name == "guest1" && detached.instance == InstanceID(1))
            #expect(
                detached.removed == [
                    "/local/domain/0/backend/vtpm/1/0", "/local/domain/1/device/vtpm/0",
                    "/local/domain/0/backend/vtpm/1", "/local/domain/1/device/vtpm",
                ])
            let backend = try xs.run("ls", "-f", "/local/domain/0/backend/vtpm")
            #expect(backend.status == 0 && backend.output == "")
            #expect(
                try xs.run("ls", "-f", "/local/domain/1").output == "/local/domain/1/device = \"\"\n"
                    + "/local/domain/1/name = \"guest1\"\n")
            let missing = #expect(throws: XenError(.noSuchDevice, "")) { try toolstack.detach(domid: 1) }
            #expect(
                missing?.reason
                    == "there is no domain 1 vtpm 0 (backend domain 0): nothing at /local/domain/0/backend/vtpm/1/0")
        }
    }

    @Test("detach keeps the parents while the guest has another device; re-attach gets the same instance")
    func detachOneOfTwo() async throws {
        try await Self.withToolstack { (xs: RunningXenStore, toolstack: VTPMToolstack) async throws in
            try toolstack.attach(domid: 1, name: "guest1")
            try toolstack.attach(domid: 1, name: "guest1-b")
            let first = try toolstack.detach(domid: 1, devid: 0)
            #expect(first.removed == ["/local/domain/0/backend/vtpm/1/0", "/local/domain/1/device/vtpm/0"])
            #expect(try xs.run("list", "/local/domain/0/backend/vtpm/1").output == "1\n")
            let back = try toolstack.attach(domid: 1, name: "guest1")
            #expect(back.address.devid == 0 && back.instance == InstanceID(1))
        }
    }

    @Test("detach without a backend: reports that it did not confirm, and removes the entries anyway")
    func detachWithoutBackend() async throws {
        try await Self.withToolstack(backend: nil) { (xs: RunningXenStore, toolstack: VTPMToolstack) async throws in
            let backend = try FakeVTPMBackend(socket: xs.socket)
            try toolstack.attach(domid: 1, name: "guest1")
            backend.stop()
            let detached = try toolstack.detach(domid: 1, timeout: .milliseconds(300))
            #expect(detached.backendAnswer == .timedOut)
            #expect(try xs.run("ls", "/local/domain/0/backend/vtpm").output == "")
        }
    }

    // MARK: - List

    @Test("list: rows with names, instances and both states; the table aligns them")
    func listRows() async throws {
        try await Self.withToolstack { (xs: RunningXenStore, toolstack: VTPMToolstack) async throws in
            #expect(try toolstack.list() == [])
            #expect(VTPMDeviceTable.render([]) == "DOMAIN  DOMID  DEVID  INSTANCE  STATE")
            try toolstack.attach(domid: 12, name: "a-long-guest-name")
            try toolstack.attach(domid: 3, name: "g3", preferredInstance: InstanceID(10))
            #expect(try xs.run("write", "/local/domain/0/backend/vtpm/12/0/state", "4").status == 0)
            #expect(try xs.run("write", "/local/domain/12/device/vtpm/0/state", "4").status == 0)
            #expect(try xs.run("rm", "/local/domain/3/device/vtpm/0/state").status == 0)
            let entries = try toolstack.list()
            #expect(
                entries == [
                    VTPMDeviceEntry(
                        address: VTPMDeviceAddress(domid: 3, devid: 0), name: "g3", instance: InstanceID(10),
                        backendState: .initialising, frontendState: nil),
                    VTPMDeviceEntry(
                        address: VTPMDeviceAddress(domid: 12, devid: 0), name: "a-long-guest-name",
                        instance: InstanceID(1), backendState: .connected, frontendState: .connected),
                ])
            #expect(
                VTPMDeviceTable.render(entries) == """
                    DOMAIN             DOMID  DEVID  INSTANCE  STATE
                    g3                 3      0      10        Initialising/-
                    a-long-guest-name  12     0      1         Connected/Connected
                    """)
        }
    }

    @Test("durations: messages name them in seconds, watch waits round them up to whole milliseconds")
    func durations() {
        #expect(VTPMToolstack.describe(.seconds(10)) == "10 s")
        #expect(VTPMToolstack.describe(.milliseconds(300)) == "0.3 s")
        #expect(VTPMToolstack.describe(.milliseconds(1500)) == "1.5 s")
        #expect(VTPMToolstack.milliseconds(.microseconds(1)) == 1)
        #expect(VTPMToolstack.milliseconds(.milliseconds(2500)) == 2500)
        #expect(VTPMToolstack.milliseconds(.seconds(10_000_000)) == Int32.max)
    }

    // MARK: - The vtpm binary

    @Test("vtpm xen attach, list, detach, list: the printed forms; errors are one line and exit non-zero")
    func cliRoundTrip() async throws {
        try await Self.withToolstack { (xs: RunningXenStore, _: VTPMToolstack) async throws in
            let socket = ["--xenstore-socket", xs.socket]
            let attach = try VTPMBinary.run(["xen", "attach", "--domid", "1", "--name", "guest1"] + socket)
            #expect(attach.status == 0 && attach.output == "domain 1 (guest1) vtpm 0: instance 1\n", "\(attach)")
            let list = try VTPMBinary.run(["xen", "list"] + socket)
            #expect(
                list.output == """
                    DOMAIN  DOMID  DEVID  INSTANCE  STATE
                    guest1  1      0      1         Initialising/Initialising

                    """, "\(list)")
            let detach = try VTPMBinary.run(["xen", "detach", "--domid", "1"] + socket)
            #expect(
                detach.output == """
                    domain 1 (guest1) vtpm 0: detached (the backend closed it)
                    removed /local/domain/0/backend/vtpm/1/0
                    removed /local/domain/1/device/vtpm/0
                    removed /local/domain/0/backend/vtpm/1
                    removed /local/domain/1/device/vtpm
                    vtpm.db keeps instance 1 for guest1

                    """, "\(detach)")
            #expect(try VTPMBinary.run(["xen", "list"] + socket).output == "DOMAIN  DOMID  DEVID  INSTANCE  STATE\n")

            let refused = try VTPMBinary.run(["xen", "attach", "--domid", "0", "--name", "dom0"] + socket)
            #expect(refused.status != 0)
            #expect(refused.error == "Error: domain 0 cannot be a vTPM frontend: give the guest's domid\n")
            let missing = try VTPMBinary.run(["xen", "detach", "--domid", "9"] + socket)
            #expect(missing.status != 0 && missing.error.hasPrefix("Error: there is no domain 9 vtpm 0"))
            let noDaemon = try VTPMBinary.run(["xen", "list", "--xenstore-socket", xs.directory + "/none"])
            #expect(noDaemon.status != 0)
            #expect(noDaemon.error.hasPrefix("Error: cannot reach xenstored at \(xs.directory)/none"))
            #expect(noDaemon.error.hasSuffix("is `vtpmd --xen` running?\n"))
        }
    }
}

/// The `vtpm` executable built next to this test bundle (or `$VTPM`).
enum VTPMBinary {
    static func run(_ arguments: [String]) throws -> Programs.Result {
        try Programs.run(Programs.vtpm, arguments, hint: "build with `swift build --build-tests` first")
    }
}
