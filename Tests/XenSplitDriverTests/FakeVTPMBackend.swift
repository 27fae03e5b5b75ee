// SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization

@testable import XenSplitDriver

/// Just enough of tpmback for the toolstack: over its own xenstore connection it answers each new device under
/// `/local/domain/0/backend/vtpm` with `instance` and `hotplug-status` (its preferred instance if free, else the
/// lowest free from 1, remembered by name as vtpm.db does), or with a hotplug error; and `online = 0` with
/// `state = 6`.
final class FakeVTPMBackend: Sendable {
    enum Mode: Sendable {
        case assign
        case refuse(String)
    }

    static let root = "/local/domain/0/backend/vtpm"

    private let client: XenStoreClient
    private let mode: Mode
    private let table = Mutex<[String: UInt32]>([:])

    init(socket: String, mode: Mode = .assign) throws {
        client = try XenStoreClient(socketPath: socket)
        self.mode = mode
        try client.watch(Self.root, token: "fake-backend")
        Thread.detachNewThread { [self] in
            // nextWatchEvent throws once the connection is closed, which ends the thread.
            while (try? client.nextWatchEvent()) != nil { try? reconcile() }
        }
    }

    func stop() { client.close() }

    private func reconcile() throws(XenError) {
        for frontend in try client.directory(Self.root) ?? [] {
            for devid in try client.directory("\(Self.root)/\(frontend)") ?? [] {
                try answer("\(Self.root)/\(frontend)/\(devid)")
            }
        }
    }

    /// One transaction per device that starts by checking the device is still there: a plain write after the
    /// toolstack removed the directory would create it again.
    private func answer(_ path: String) throws(XenError) {
        try client.transaction { (id: UInt32) throws(XenError) in
            guard try client.read("\(path)/frontend", transaction: id) != nil else { return }
            if try client.read("\(path)/online", transaction: id) == "0" {
                if try client.read("\(path)/state", transaction: id) != "6" {
                    try client.write("\(path)/state", "6", transaction: id)
                }
                return
            }
            guard try client.read("\(path)/instance", transaction: id) == nil,
                try client.read("\(path)/hotplug-status", transaction: id) == nil
            else { return }
            switch mode {
            case .refuse(let reason):
                try client.write("\(path)/hotplug-error", reason, transaction: id)
                try client.write("\(path)/hotplug-status", "error", transaction: id)
            case .assign:
                let name = try client.read("\(path)/domain", transaction: id) ?? ""
                let preferred = try client.read("\(path)/pref_instance", transaction: id).flatMap { UInt32($0) }
                let instance = assign(name, preferred: preferred ?? 0)
                try client.write("\(path)/instance", String(instance), transaction: id)
                try client.write("\(path)/hotplug-status", "connected", transaction: id)
            }
        }
    }

    private func assign(_ name: String, preferred: UInt32) -> UInt32 {
        table.withLock { table in
            if let known = table[name] { return known }
            let used = Set(table.values)
            var chosen = preferred
            if chosen == 0 || used.contains(chosen) {
                chosen = 1
                while used.contains(chosen) { chosen += 1 }
            }
            table[name] = chosen
            return chosen
        }
    }
}
