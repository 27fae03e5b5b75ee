// SPDX-License-Identifier: Apache-2.0

import ArgumentParser

struct XenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "xen", abstract: "The Xen split driver's tools.", subcommands: [XenFrontCommand.self])
}
