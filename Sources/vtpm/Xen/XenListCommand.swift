// SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import XenSplitDriver

/// `vtpm xen list`: every vTPM device in xenstore, as a table.
struct XenListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the vTPM devices in xenstore.",
        discussion: """
            Columns: DOMAIN (the name vtpm.db uses), DOMID, DEVID, INSTANCE, STATE (backend/frontend \
            xenbus state). '-' marks a value xenstore does not have.
            """
    )

    @OptionGroup var xenstore: XenStoreOptions

    func run() throws {
        let entries = try xenstore.withClient { client in try VTPMToolstack(client: client).list() }
        print(VTPMDeviceTable.render(entries))
    }
}
