// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import XenSplitDriver

/// `vtpm xen detach`: removes a guest's vTPM device and says what it removed.
struct XenDetachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detach",
        abstract: "Remove a domain's vTPM device (vtpm.db keeps its instance for the next attach).",
        discussion: """
            Sets online = 0, waits for the backend to report Closed, then removes the device's xenstore \
            directories. Prints the backend's answer and each directory removed.
            """
    )

    @OptionGroup var xenstore: XenStoreOptions

    @Option(help: "The guest's domain id.")
    var domid: DomainID

    @Option(help: "The device number.")
    var devid: UInt32 = 0

    @Option(help: "The domain running the backend.")
    var backendDomid: DomainID = 0

    @OptionGroup var timeout: BackendTimeoutOption

    func run() throws {
        let detachment = try xenstore.withClient { client in
            try VTPMToolstack(client: client).detach(
                domid: domid, devid: devid, backendDomid: backendDomid, timeout: timeout.duration)
        }
        let device = detachment.address.label(name: detachment.name)
        switch detachment.backendAnswer {
        case .closed:
            print("\(device): detached (the backend closed it)")
        case .notNeeded:
            print("\(device): detached (its hotplug step had failed; the backend held nothing)")
        case .timedOut:
            print("\(device): detached, but the backend did not confirm Closed within \(timeout.text)")
        }
        for path in detachment.removed { print("removed \(path)") }
        if let instance = detachment.instance, let name = detachment.name {
            print("vtpm.db keeps instance \(instance) for \(name)")
        }
    }
}
