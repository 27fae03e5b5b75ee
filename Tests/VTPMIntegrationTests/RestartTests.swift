// SPDX-License-Identifier: Apache-2.0

import Foundation
import SystemPackage
import TPMEngine
import Testing
import VTPMManager

/// Stopping and starting vtpmd on the same state folder: seeds and settings persist; a damaged state file
/// makes the daemon refuse that instance, naming the file, while the others keep working.
@Suite struct RestartTests {
    static func storedState(_ tpm: VTPMDaemon, instance: Int = 0) throws -> StateStore {
        StateStore(directory: FilePath(tpm.stateDirectory.path).appending(String(instance)))
    }

    @Test func seedsAndSettingsSurviveRestart() throws {
        let tpm = try VTPMDaemon()
        try tpm.tpm2Succeeds("startup", ["-c"])
        try tpm.tpm2Succeeds("clearcontrol", ["-C", "p", "s"])
        let seeds = try #require(try Self.storedState(tpm).load()).state.permanent.endorsementSeed
        #expect(tpm.stop() == 0, "vtpmd exit status after SIGTERM; log:\n\(tpm.log)")

        try tpm.start()
        try tpm.tpm2Succeeds("startup", ["-c"])
        #expect(try tpm.tpm2Succeeds("getcap", ["properties-variable"]).contains(/disableClear:\s+1/))
        #expect(try tpm.tpm2Succeeds("readclock").contains("reset_count: 2"))
        #expect(try #require(try Self.storedState(tpm).load()).state.permanent.endorsementSeed == seeds)
    }

    @Test func damagedStateFileRefusesOnlyThatInstance() throws {
        let tpm = try VTPMDaemon(instances: 2)
        try tpm.tpm2Succeeds("startup", ["-c"])
        tpm.stop()
        let file = try Self.storedState(tpm, instance: 1).stateFile.string
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        bytes[bytes.count / 2] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: file))

        try tpm.start(waitFor: 0)
        try tpm.tpm2Succeeds("startup", ["-c"])
        #expect(try tpm.tpm2Succeeds("getrandom", ["--hex", "4"]).count == 8)
        #expect(!Ports.isListening(tpm.swtpmPort(instance: 1)))
        tpm.stop()
        #expect(tpm.log.contains(file), "the log must name the damaged file:\n\(tpm.log)")
        #expect(
            [UInt8](try Data(contentsOf: URL(fileURLWithPath: file))) == bytes, "the damaged file is kept as it was")
    }
}
