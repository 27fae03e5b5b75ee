// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import VTPMManager
import XenSplitDriver

/// `vtpm xen attach`: creates a guest's vTPM device and prints the instance the backend chose.
struct XenAttachCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Give a domain a vTPM device and wait for the backend to choose its instance.",
        discussion: "Prints, for example: domain 1 (guest1) vtpm 0: instance 1"
    )

    @OptionGroup var xenstore: XenStoreOptions

    @Option(help: "The guest's domain id (not 0).")
    var domid: DomainID

    @Option(help: "The VM's name: vtpm.db keeps its instance under it.")
    var name: String

    @Option(help: "The instance to prefer if the name has none yet and it is free (default: the lowest free).")
    var prefInstance: UInt32?

    @Option(help: "The domain running the backend.")
    var backendDomid: DomainID = 0

    @Option(help: "The device number (default: the guest's lowest free one).")
    var devid: UInt32?

    @OptionGroup var timeout: BackendTimeoutOption

    func run() throws {
        let attachment = try xenstore.withClient { client in
            try VTPMToolstack(client: client).attach(
                domid: domid, name: name, preferredInstance: prefInstance.map { InstanceID($0) },
                backendDomid: backendDomid, devid: devid, timeout: timeout.duration)
        }
        print("\(attachment.address.label(name: attachment.name)): instance \(attachment.instance)")
    }
}
