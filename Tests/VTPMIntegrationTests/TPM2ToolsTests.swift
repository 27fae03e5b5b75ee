// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing

/// tpm2-tools 5.4, unchanged, against vtpmd over both the mssim and the swtpm TCTI.
@Suite struct TPM2ToolsTests {
    static let abcSHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

    static func started(_ tcti: TCTI) throws -> VTPMDaemon {
        let tpm = try VTPMDaemon()
        try tpm.tpm2Succeeds("startup", ["-c"], over: tcti)
        return tpm
    }

    @Test(arguments: TCTI.allCases)
    func startupSelfTestAndRandom(_ tcti: TCTI) throws {
        let tpm = try VTPMDaemon()
        let early = try tpm.tpm2("getrandom", ["--hex", "8"], over: tcti)
        #expect(!early.succeeded && early.stderr.contains("0x100"), "before Startup: \(early)")
        try tpm.tpm2Succeeds("startup", ["-c"], over: tcti)
        try tpm.tpm2Succeeds("selftest", ["--fulltest"], over: tcti)
        #expect(try tpm.tpm2Succeeds("gettestresult", over: tcti).contains("success"))
        let random = try tpm.tpm2Succeeds("getrandom", ["--hex", "32"], over: tcti)
        #expect(random.count == 64 && random.allSatisfy(\.isHexDigit), "\(random)")
        let other = try tpm.tpm2Succeeds("getrandom", ["--hex", "32"], over: tcti)
        #expect(other != random)
        try tpm.tpm2Succeeds("stirrandom", [], over: tcti, input: Data("some entropy from the caller".utf8))
    }

    @Test(arguments: TCTI.allCases)
    func pcrExtendEventReadReset(_ tcti: TCTI) throws {
        let tpm = try Self.started(tcti)
        let zeros = String(repeating: "0", count: 64)
        try tpm.tpm2Succeeds("pcrextend", ["16:sha256=\(zeros)"], over: tcti)
        // SHA-256(32 zero bytes || 32 zero bytes), computed independently.
        let read = try tpm.tpm2Succeeds("pcrread", ["sha256:16"], over: tcti)
        #expect(
            read.lowercased().contains("f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b"), "\(read)")

        let event = try tpm.tpm2Succeeds("pcrevent", ["23"], over: tcti, input: Data("abc".utf8))
        #expect(event.lowercased().contains(Self.abcSHA256), "\(event)")
        #expect(event.lowercased().contains("a9993e364706816aba3e25717850c26c9cd0d89d"), "\(event)")

        try tpm.tpm2Succeeds("pcrreset", ["16"], over: tcti)
        #expect(try tpm.tpm2Succeeds("pcrread", ["sha256:16"], over: tcti).contains("0x" + zeros.uppercased()))
        let denied = try tpm.tpm2("pcrreset", ["0"], over: tcti)
        #expect(!denied.succeeded && denied.stderr.contains("0x907"), "PCR 0 reset at locality 0: \(denied)")
        let all = try tpm.tpm2Succeeds("pcrread", [], over: tcti)
        for bank in ["sha1", "sha256", "sha384", "sha512"] {
            #expect(all.contains(bank + ":"), "\(all)")
        }
    }

    @Test(arguments: TCTI.allCases)
    func hashSmallAndLargeInput(_ tcti: TCTI) throws {
        let tpm = try Self.started(tcti)
        let small = try tpm.tpm2Succeeds("hash", ["-g", "sha256", "--hex"], over: tcti, input: Data("abc".utf8))
        #expect(small.lowercased().contains(Self.abcSHA256), "\(small)")

        // Larger than TPM2_PT_INPUT_BUFFER: tpm2_hash switches to HashSequenceStart/SequenceUpdate/SequenceComplete.
        let large = Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vtpm-hash-\(UUID().uuidString)")
        try large.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let expected = try Tool.run("sha384sum", [file.path]).stdout.prefix(96)
        let digest = try tpm.tpm2Succeeds("hash", ["-g", "sha384", "--hex", file.path], over: tcti)
        #expect(digest.lowercased().contains(expected), "\(digest) vs \(expected)")
    }

    @Test(arguments: TCTI.allCases)
    func everyCapability(_ tcti: TCTI) throws {
        let tpm = try Self.started(tcti)
        let names = try tpm.tpm2Succeeds("getcap", ["-l"], over: tcti)
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces.union(["-"])) }
            .filter { !$0.isEmpty }
        #expect(names.count >= 13, "\(names)")
        for name in names {
            try tpm.tpm2Succeeds("getcap", [name], over: tcti)
        }
        let pcrs = try tpm.tpm2Succeeds("getcap", ["pcrs"], over: tcti)
        #expect(pcrs.contains("sha512: [ 0, 1, 2"), "\(pcrs)")
        let fixed = try tpm.tpm2Succeeds("getcap", ["properties-fixed"], over: tcti)
        #expect(fixed.contains("VTPM") && fixed.contains("TPM2_PT_PCR_COUNT"), "\(fixed)")
        let commands = try tpm.tpm2Succeeds("getcap", ["commands"], over: tcti)
        #expect(commands.contains("TPM2_CC_PCR_Extend"), "\(commands)")
        #expect(try tpm.tpm2Succeeds("getcap", ["handles-pcr"], over: tcti).contains("0x17"))
    }

    @Test(arguments: TCTI.allCases)
    func readClockAndTestParms(_ tcti: TCTI) throws {
        let tpm = try Self.started(tcti)
        let clock = try tpm.tpm2Succeeds("readclock", [], over: tcti)
        #expect(clock.contains("reset_count: 1") && clock.contains("safe: yes"), "\(clock)")
        for parameters in ["rsa2048", "ecc256", "aes128cfb", "hmac", "xor"] {
            try tpm.tpm2Succeeds("testparms", [parameters], over: tcti)
        }
        #expect(!(try tpm.tpm2("testparms", ["ecc192"], over: tcti).succeeded))
    }

    @Test(arguments: TCTI.allCases)
    func clearAndClearControl(_ tcti: TCTI) throws {
        let tpm = try Self.started(tcti)
        try tpm.tpm2Succeeds("clear", [], over: tcti)
        try tpm.tpm2Succeeds("clearcontrol", ["-C", "p", "s"], over: tcti)
        let refused = try tpm.tpm2("clear", ["-c", "p"], over: tcti)
        #expect(!refused.succeeded && refused.stderr.contains("0x120"), "Clear while disabled: \(refused)")
        #expect(try tpm.tpm2Succeeds("getcap", ["properties-variable"], over: tcti).contains(/disableClear:\s+1/))
        try tpm.tpm2Succeeds("clearcontrol", ["-C", "p", "c"], over: tcti)
        try tpm.tpm2Succeeds("clear", ["-c", "p"], over: tcti)
    }

    @Test(arguments: TCTI.allCases)
    func shutdownStateThenResumeKeepsPCRs(_ tcti: TCTI) throws {
        let tpm = try Self.started(tcti)
        try tpm.tpm2Succeeds("pcrextend", ["7:sha1=" + String(repeating: "ab", count: 20)], over: tcti)
        let before = try tpm.tpm2Succeeds("pcrread", ["sha1:7"], over: tcti)
        try tpm.tpm2Succeeds("shutdown", [], over: tcti)  // TPM_SU_STATE is tpm2_shutdown's default
        try tpm.restart()
        try tpm.tpm2Succeeds("startup", [], over: tcti)  // resume
        #expect(try tpm.tpm2Succeeds("pcrread", ["sha1:7"], over: tcti) == before)
        #expect(try tpm.tpm2Succeeds("readclock", [], over: tcti).contains("restart_count: 1"))
        try tpm.tpm2Succeeds("shutdown", ["-c"], over: tcti)
    }

    @Test(arguments: TCTI.allCases)
    func pcrAllocateTakesEffectAfterRestart(_ tcti: TCTI) throws {
        let tpm = try Self.started(tcti)
        try tpm.tpm2Succeeds("pcrallocate", ["sha1:none+sha256:all+sha384:none+sha512:none"], over: tcti)
        #expect(try tpm.tpm2Succeeds("getcap", ["pcrs"], over: tcti).contains("sha1: [ 0, 1"))
        try tpm.tpm2Succeeds("shutdown", ["-c"], over: tcti)
        try tpm.restart()
        try tpm.tpm2Succeeds("startup", ["-c"], over: tcti)
        let pcrs = try tpm.tpm2Succeeds("getcap", ["pcrs"], over: tcti)
        #expect(pcrs.contains("sha1: [ ]") && pcrs.contains("sha256: [ 0, 1"), "\(pcrs)")
        #expect(!(try tpm.tpm2Succeeds("pcrread", [], over: tcti).contains("sha1:\n    0")))
    }
}
