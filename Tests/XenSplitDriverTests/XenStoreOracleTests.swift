// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing

@testable import XenSplitDriver

/// Differential tests: Debian's xenstore-utils run the same commands against Debian's own C xenstored
/// (xen-utils-4.17, started without a hypervisor by `start-debian-xenstored.sh`) and against ours, and every
/// command must exit and print the same, byte for byte. Each test ends by comparing the whole trees.
///
/// The oracle's own results are checked too where a scenario depends on them (a write that must fail does
/// fail), so that two daemons failing alike cannot pass. If the oracle cannot be started, or a tool is
/// missing, the tests fail with a message naming what is missing. xenstore-utils 4.17 has no mkdir tool.
@Suite("xenstore-utils against Debian's xenstored and ours", .serialized)
struct XenStoreOracleTests {
    static let backend = "/local/domain/0/backend/vtpm/1/0"
    static let frontend = "/local/domain/1/device/vtpm/0"

    /// The vTPM handshake keys: the backend's (written by the toolstack) and the frontend's.
    static func writeVTPMKeys(_ xs: XenStorePair) throws {
        let (backend, frontend) = (Self.backend, Self.frontend)
        #expect(
            try xs.same(
                "write", "\(backend)/frontend-id", "1", "\(backend)/frontend", frontend, "\(backend)/instance", "3",
                "\(backend)/pref_instance", "3", "\(backend)/domain", "guest1"
            ).status == 0)
        #expect(
            try xs.same(
                "write", "\(frontend)/backend-id", "0", "\(frontend)/backend", backend, "\(frontend)/ring-ref", "8",
                "\(frontend)/event-channel", "15", "\(frontend)/state", "1"
            ).status == 0)
    }

    @Test("nested vTPM keys: write, read, read -p, list, list -p, ls, ls -f, ls -p, exists, rm; relative paths")
    func vtpmKeys() async throws {
        try await XenStorePair.with { xs in
            let (backend, frontend) = (Self.backend, Self.frontend)
            try Self.writeVTPMKeys(xs)
            #expect(try xs.same("read", "\(backend)/instance").output == "3\n")
            try xs.same("read", "-p", "\(backend)/domain")
            try xs.same("read", "\(frontend)/state", "\(backend)/frontend", "\(frontend)/ring-ref")
            try xs.same("list", backend)
            try xs.same("list", "-p", frontend)
            try xs.same("ls", "/local/domain")
            try xs.same("ls", "-f", "/local/domain/0/backend")
            try xs.same("ls", "-p", "/local/domain/1")
            try xs.same("exists", backend)
            try xs.same("exists", "\(frontend)/event-channel")
            #expect(try xs.same("exists", "\(backend)/state").status != 0)
            // Relative paths: the CLI on the socket is dom0, so they resolve under /local/domain/0.
            #expect(try xs.same("read", "backend/vtpm/1/0/frontend-id").output == "1\n")
            try xs.same("read", "-p", "backend/vtpm/1/0/instance")
            try xs.same("list", "backend/vtpm/1")
            try xs.same("list", "-p", "backend/vtpm/1/0")
            try xs.same("ls", "backend")
            try xs.same("ls", "-f", "backend/vtpm")
            try xs.same("exists", "backend/vtpm/1/0/domain")
            try xs.same("write", "backend/vtpm/1/0/state", "4")
            try xs.same("read", "\(backend)/state")
            try xs.same("write", "\(frontend)/state", "3")
            try xs.same("rm", "\(backend)/pref_instance")
            try xs.same("rm", "backend/vtpm/1/0/domain")
            try xs.same("list", backend)
            try xs.same("rm", "/local/domain/0/backend/vtpm/1")
            #expect(try xs.same("exists", backend).status != 0)
            try xs.same("ls", "-f", "/local/domain")
            try xs.sameTree()
        }
    }

    @Test("transactions: a multi-key write commits as one; one bad key aborts it and leaves nothing")
    func transactions() async throws {
        try await XenStorePair.with { xs in
            #expect(try xs.same("write", "/vm/a", "1", "/vm/b", "2", "/vm/c/d", "3").status == 0)
            try xs.same("ls", "-f", "/vm")
            for bad in ["/vm//x", "/vm/x/", "/vm/x y", "/vm/x.y"] {
                #expect(try xs.same("write", "/vm/a", "changed", "/vm/new/key", "v", bad, "v").status != 0)
                try xs.same("read", "/vm/a")
                #expect(try xs.same("exists", "/vm/new").status != 0, "the aborted transaction wrote nothing")
            }
            try xs.same("write", "/vm/a", "1", "/vm/a", "2", "/vm/a", "3")
            try xs.same("read", "/vm/a")
            // Removals, reads, exists and lists of several keys fail at the first bad one.
            #expect(try xs.same("rm", "/vm/b", "/vm/missing/child").status != 0)
            #expect(try xs.same("exists", "/vm/b").status == 0, "the failed rm was aborted as a whole")
            try xs.same("rm", "/vm/b", "/vm/c/d", "/vm/c/d", "/vm/zz")
            try xs.same("read", "/vm/a", "/vm/nope", "/vm/c")
            try xs.same("exists", "/vm/a", "/vm/nope")
            try xs.same("list", "/vm", "/vm/nope")
            try xs.same("rm", "-t", "/vm/c")
            try xs.same("write", "/vm/t/u/v", "1", "/vm/t/w", "2")
            try xs.same("rm", "-t", "/vm/t/u/v")
            try xs.same("rm", "-t", "/vm/t/w")
            try xs.same("ls", "-f", "/vm")
            try xs.sameTree()
        }
    }

    @Test("errors: missing keys, invalid paths and characters, path lengths, @ names, rm without a parent")
    func errors() async throws {
        try await XenStorePair.with { xs in
            try xs.same("write", "/vm/a", "1")
            let invalid = [
                "/a//b", "/a/", "a//b", "", "/a b", "/a.b", "/a:b", "/a~b", "/a+b", "/a$b", "/é", "@", "@x/y",
                "/local/domain//0",
            ]
            for path in ["/nope", "nope/deeper", "/vm/a/nope", "@introduceDomain", "@foo"] + invalid {
                try xs.same("read", path)
                try xs.same("ls", path)  // ls prints the errno: ENOENT and EINVAL must agree
                try xs.same("list", path)
                try xs.same("exists", path)
                try xs.same("rm", path)
                try xs.same("write", path, "v")
                // Debian's xenstored 4.17 answers SET_PERMS of an unknown @name inconsistently, then aborts.
                if !path.hasPrefix("@") || XenStoreTree.specialNames.contains(path) {
                    try xs.same("chmod", path, "n0")
                }
            }
            for path in ["/a@b", "/A-Z_0", "/@x", "/vm/_-@9"] {
                #expect(try xs.same("write", path, "ok").status == 0)
                try xs.same("ls", "-f", path)
                try xs.same("rm", path)
            }
            // The path-length limit counts after a /local/domain/<domid>/ prefix, and only there.
            let name = { (count: Int) in String(repeating: "b", count: count) }
            for path in [
                "/" + name(2047), "/" + name(2048), "/local/domain/0/" + name(2048), "/local/domain/0/" + name(2049),
                "/local/domain/7/" + name(2049), "/local/domain/99999/" + name(2048),
                "/local/domain/123456/" + name(2040), "/local/domain/-1/" + name(2048), "/local/domain/0" + name(2034),
                "/local/domain/00/c/" + name(2046), "/local/domain/00/c/" + name(2047), name(2048), name(2049),
                "/" + name(3071),
            ] {
                try xs.same("ls", path)
            }
            #expect(try xs.same("write", "/local/domain/0/" + name(2048), "long").status == 0)
            try xs.same("rm", "/local/domain/0/" + name(2048))
            // rm of a missing node: fine under an existing parent, ENOENT under a missing one.
            #expect(try xs.same("rm", "/vm/nothing").status == 0)
            try xs.same("rm", "/nothing")
            #expect(try xs.same("rm", "/nothing/child").status != 0)
            try xs.same("rm", "nothing/child")
            try xs.same("rm", "/")
            try xs.same("read", "/")
            try xs.same("watch", "-n", "1", "/a//b")
            try xs.same("watch", "-n", "1", "")
            try xs.sameTree()
        }
    }

    @Test("empty values and escaping: write \"\", read, read -p, ls, ls -f; tabs, quotes, newlines, -R raw bytes")
    func values() async throws {
        try await XenStorePair.with { xs in
            try xs.same("write", "/vm/empty", "")
            try xs.same("read", "/vm/empty")
            try xs.same("read", "-p", "/vm/empty")
            try xs.same("exists", "/vm/empty")
            try xs.same("write", "/vm/text", "tab\tquote\" newline\n é \\x41 back\\\\slash")
            try xs.same("read", "/vm/text")
            try xs.same("read", "-R", "/vm/text")
            try xs.same("write", "-R", "/vm/raw", "a\\x00b\\tc")
            try xs.same("read", "-R", "/vm/raw")
            try xs.same("read", "/vm/raw")
            try xs.same("write", "/vm/empty", "", "/vm/other", "")
            try xs.same("ls", "/vm")
            try xs.same("ls", "-f", "/vm")
            try xs.same("ls", "-p", "/vm")
            // An odd number of arguments is refused by the CLI itself; both sides must look the same to it.
            try xs.same("write", "/vm/alone")
            try xs.sameTree()
        }
    }

    @Test("permissions: chmod of owner and others, -r, -u, ls -p; reserved owners; @ names")
    func permissions() async throws {
        try await XenStorePair.with { xs in
            try Self.writeVTPMKeys(xs)
            let device = "/local/domain/1/device"
            #expect(try xs.same("chmod", device, "b1", "r0").status == 0)
            try xs.same("ls", "-p", "/local/domain/1")
            #expect(try xs.same("chmod", "-r", device, "n1", "r0").status == 0)
            try xs.same("ls", "-p", "/local/domain/1")
            try xs.same("chmod", "\(Self.frontend)/state", "n0", "r1", "w2", "b3")
            try xs.same("chmod", "-u", "\(Self.backend)/frontend-id", "b5")
            try xs.same("chmod", "-u", "backend/vtpm/1/0/instance", "r5")  // -u wants an absolute path
            try xs.same("ls", "-p", "/local/domain")
            try xs.same("list", "-p", device)
            // The client parses the modes: a missing domid is 0; an unknown letter or no mode is refused.
            try xs.same("chmod", device, "r")
            try xs.same("chmod", device, "x1")
            try xs.same("chmod", device)
            try xs.same("chmod", device, "n4294967296")
            // Domids from DOMID_FIRST_RESERVED (0x7ff0) on never exist: no owner, any other entry.
            #expect(try xs.same("chmod", device, "n32751").status == 0)
            #expect(try xs.same("chmod", device, "n32752").status != 0)
            try xs.same("chmod", device, "b65535", "r0")
            try xs.same("chmod", device, "n0", "r32752", "w65535")
            try xs.same("ls", "-p", "/local/domain/1")
            // The special watch names carry permissions too (unknown @names: see errors()).
            #expect(try xs.same("chmod", "@introduceDomain", "b1", "r2").status == 0)
            try xs.same("chmod", "@releaseDomain", "n0")
            try xs.same("chmod", "@releaseDomain", "n32752")
            try xs.sameTree()
        }
    }

    @Test("watch -n N: the initial event, changes below, siblings silent, parent removal, relative paths")
    func watches() async throws {
        try await XenStorePair.with { xs in
            try Self.writeVTPMKeys(xs)
            // Every watcher's last event is this write; an extra event anywhere would push it out of the N.
            let sentinel = "\(Self.backend)/done/later"
            let vtpm = try await xs.watch("-n", "7", "/local/domain/0/backend/vtpm")
            let relative = try await xs.watch("-n", "6", "backend/vtpm/1/0")
            // Inside the subtree removed below, but never created: that removal is no event for it.
            let absent = try await xs.watch("-n", "2", "\(Self.backend)/done")
            let device = try await xs.watch("-n", "4", Self.frontend)
            try xs.same("write", "\(Self.backend)/state", "1")
            try xs.same("write", "/local/domain/0/backend/vtpmx", "1")  // shares the prefix only
            try xs.same("write", "\(Self.frontend)0", "1")
            // One transaction writing state twice: one event for state, one for instance.
            try xs.same(
                "write", "\(Self.backend)/state", "2", "\(Self.backend)/state", "3", "\(Self.backend)/instance", "4")
            try xs.same("chmod", "/local/domain/0/backend/vtpm/1", "n0", "r1")
            try xs.same("write", "\(Self.frontend)/state", "3")
            try xs.same("rm", "\(Self.backend)/nothing")
            try xs.same("rm", "/local/domain/0/backend")
            try xs.same("rm", "/local/domain/1/device")
            try xs.same("write", sentinel, "1")
            try xs.same("write", "\(Self.frontend)/state", "1")
            for watch in [vtpm, relative, absent, device] {
                let reference = await xs.same(watch)
                #expect(reference.status == 0, "\(watch.command): the oracle saw all its events")
            }
            try xs.same("watch", "-n", "1", "@introduceDomain")
            try xs.same("watch", "-n", "1", "@releaseDomain/odd name")  // watch takes any @ name
            try xs.same("watch", "-n", "1", "/nowhere/yet")
            try xs.sameTree()
        }
    }
}
