// SPDX-License-Identifier: Apache-2.0

import ArgumentParser

/// `vtpm`: the command-line companion of vtpmd.
@main
struct VTPMCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vtpm",
        abstract: "Talk to virtual TPMs: send raw commands, decode response codes, benchmark against swtpm.",
        subcommands: [
            SendCommand.self, ResponseCodeCommand.self, BenchCommand.self, DensityCommand.self, XenCommand.self,
        ]
    )
}

/// Where a TPM listens: `[host:]port`, and which protocol it speaks there.
struct Endpoint: ExpressibleByArgument, CustomStringConvertible {
    var host: String
    var port: Int

    init?(argument: String) {
        let parts = argument.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            guard let port = Int(parts[0]), (1...65535).contains(port) else { return nil }
            self.host = "127.0.0.1"
            self.port = port
        case 2:
            guard let port = Int(parts[1]), (1...65535).contains(port), !parts[0].isEmpty else { return nil }
            self.host = String(parts[0])
            self.port = port
        default:
            return nil
        }
    }

    var description: String { "\(host):\(port)" }
}

enum WireProtocol: String, ExpressibleByArgument, CaseIterable {
    /// The Microsoft simulator command port (tpm2-tss `mssim` TCTI).
    case mssim
    /// The swtpm data port (tpm2-tss `swtpm` TCTI, QEMU).
    case swtpm
}
