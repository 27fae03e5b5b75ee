// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import XenSplitDriver

/// `vtpm xen`: the toolstack's vTPM verbs against a xenstored (vtpmd --xen's, or any other).
struct XenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xen",
        abstract: "The Xen split driver's tools: attach, detach and list vTPM devices; run a guest's tpmfront.",
        discussion: """
            vtpmd --xen runs the backend: it answers an attach with the VM's instance from vtpm.db and a detach \
            with the Closed state. See docs/xen.md.
            """,
        subcommands: [XenAttachCommand.self, XenDetachCommand.self, XenListCommand.self, XenFrontCommand.self]
    )
}

/// The options every `vtpm xen` subcommand shares.
struct XenStoreOptions: ParsableArguments {
    @Option(help: "xenstored's unix socket (XENSTORED_PATH); vtpmd --xen serves it.")
    var xenstoreSocket: String = "./vtpm-state/xenstored.socket"

    /// A client on the socket, for `body` only.
    func withClient<T>(_ body: (XenStoreClient) throws -> T) throws -> T {
        let client: XenStoreClient
        do {
            client = try XenStoreClient(socketPath: xenstoreSocket)
        } catch {
            throw XenCLIError("cannot reach xenstored at \(xenstoreSocket) (\(error)): is `vtpmd --xen` running?")
        }
        defer { client.close() }
        return try body(client)
    }
}

/// How long to wait for the backend, in seconds, for attach and detach.
struct BackendTimeoutOption: ParsableArguments {
    @Option(name: .customLong("timeout"), help: "Seconds to wait for the backend's answer.")
    var seconds: Double = 10

    func validate() throws {
        guard seconds > 0, seconds <= 3600 else { throw ValidationError("--timeout must be within (0, 3600] seconds") }
    }

    var duration: Duration { .milliseconds(Int64((seconds * 1000).rounded(.up))) }

    /// `10 s`, `0.5 s`.
    var text: String { seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s" }
}

/// A failure worth one line: ArgumentParser prints `Error: <description>` and exits with status 1.
struct XenCLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension VTPMDeviceAddress {
    /// `domain 1 (guest1) vtpm 0`: how the subcommands name a device.
    func label(name: String?) -> String {
        "domain \(domid)\(name.map { " (\($0))" } ?? "") vtpm \(devid)"
    }
}
