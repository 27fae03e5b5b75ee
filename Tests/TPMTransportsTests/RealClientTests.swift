// SPDX-License-Identifier: Apache-2.0

import Testing
import VTPMManager

@testable import TPMTransports

/// tpm2-tools (tpm2-tss TCTIs) and swtpm_ioctl against servers started in-process.
@Suite("real clients")
struct RealClientTests {
    @Test("tpm2_startup and tpm2_getrandom over -T mssim")
    func tpm2ToolsMSSim() async throws {
        try await withServer { running in
            let tcti = "mssim:host=127.0.0.1,port=\(running.mssimCommandPort)"
            let startup = try ExternalTools.run("tpm2_startup", ["-c", "-T", tcti])
            #expect(startup.status == 0, "\(startup.standardError)")
            let random = try ExternalTools.run("tpm2_getrandom", ["-T", tcti, "8", "--hex"])
            #expect(random.status == 0, "\(random.standardError)")
            #expect(random.standardOutput.count == 16)
            let allHex = random.standardOutput.allSatisfy(\.isHexDigit)
            #expect(allHex)
            // tpm2-tss sends several messages per connection, so the tools' connections ran on their own threads.
            #expect(running.server.connectionThreadStarts > 0)
        }
    }

    @Test("tpm2_startup and tpm2_getrandom over -T swtpm")
    func tpm2ToolsSwtpm() async throws {
        try await withServer(mssim: false) { running in
            let tcti = "swtpm:host=127.0.0.1,port=\(running.swtpmDataPort)"
            let startup = try ExternalTools.run("tpm2_startup", ["-c", "-T", tcti])
            #expect(startup.status == 0, "\(startup.standardError)")
            let random = try ExternalTools.run("tpm2_getrandom", ["-T", tcti, "8", "--hex"])
            #expect(random.status == 0, "\(random.standardError)")
            #expect(random.standardOutput.count == 16)
            let pcrs = try ExternalTools.run("tpm2_pcrread", ["-T", tcti, "sha256:0,1"])
            #expect(pcrs.status == 0, "\(pcrs.standardError)")
        }
    }

    @Test("swtpm_ioctl against our control port")
    func swtpmIoctl() async throws {
        try await withServer(mssim: false) { running in
            let target = ["--tcp", "127.0.0.1:\(running.swtpmControlPort)"]
            let capabilities = try ExternalTools.run("swtpm_ioctl", target + ["-c"])
            #expect(capabilities.standardOutput == "ptm capability is 0xacaf\n")
            #expect(try ExternalTools.run("swtpm_ioctl", target + ["-i"]).status == 0)
            #expect(try ExternalTools.run("swtpm_ioctl", target + ["-l", "3"]).status == 0)
            #expect(running.instance.locality == 3)
            let established = try ExternalTools.run("swtpm_ioctl", target + ["-e"])
            #expect(established.standardOutput == "tpmEstablished is 0\n")
            #expect(try ExternalTools.run("swtpm_ioctl", target + ["-r", "1"]).status != 0)
            #expect(try ExternalTools.run("swtpm_ioctl", target + ["-r", "3"]).status == 0)
            let buffer = try ExternalTools.run("swtpm_ioctl", target + ["-b", "0"])
            #expect(buffer.standardOutput.contains("TPM buffersize: 4096"))
            #expect(try ExternalTools.run("swtpm_ioctl", target + ["--stop"]).status == 0)
            #expect(!running.instance.isPowered)
            #expect(try ExternalTools.run("swtpm_ioctl", target + ["-i"]).status == 0)
            #expect(try ExternalTools.run("swtpm_ioctl", target + ["-s"]).status == 0)
            #expect(!running.instance.isPowered)
        }
    }
}
