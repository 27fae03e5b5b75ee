// SPDX-License-Identifier: Apache-2.0

import Foundation
import SystemPackage
import TPMCrypto
import TPMEngine
import TPMWire
import Testing

@testable import VTPMManager

/// A fresh directory under the system temporary directory, removed by the caller.
func temporaryDirectory() -> FilePath {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("vtpm-tests-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return FilePath(path)
}

struct FixedPlatform: TPMPlatform {
    let entropySource: any EntropySource = DeterministicEntropySource()
    func monotonicMilliseconds() -> UInt64 { 5_000 }
    var physicalPresenceAsserted: Bool { false }
    var cancelRequested: Bool { false }
}

@Suite struct StateStoreTests {
    @Test func roundTripKeepsEveryField() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory.string) }
        let store = StateStore(directory: directory)
        #expect(try store.load() == nil)

        var state = TPMEngine.manufacture(platform: FixedPlatform()).durableState()
        state.permanent.ownerAuth = try TPM2BAuth([1, 2, 3])
        state.permanent.disableClear = true
        state.permanent.dictionaryAttack.failedTries = 2
        state.permanent.ppCommands = [.clear]
        state.savedState = SavedState(
            stateClear: StateClearData(), stateReset: StateResetData(nullSeed: [9], nullProof: [8]),
            pcrValues: [.sha256: [[UInt8](repeating: 4, count: 32)]], startupLocality3: true)
        try store.save(state, generation: 7)

        let loaded = try #require(try store.load())
        #expect(loaded.generation == 7)
        #expect(loaded.state == state)
        #expect(!FileManager.default.fileExists(atPath: store.temporaryFile.string))
    }

    @Test(arguments: ["empty", "truncated", "flipped", "magic", "padded"])
    func damagedFilesAreReportedAndKept(_ damage: String) throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory.string) }
        let store = StateStore(directory: directory)
        try store.save(TPMEngine.manufacture(platform: FixedPlatform()).durableState(), generation: 1)
        var bytes = [UInt8](try Data(contentsOf: URL(filePath: store.stateFile.string)))
        switch damage {
        case "empty": bytes = []
        case "truncated": bytes.removeLast(40)
        case "flipped": bytes[bytes.count / 2] ^= 0x01
        case "magic": bytes[0] = UInt8(ascii: "X")
        default: bytes += [0]
        }
        try Data(bytes).write(to: URL(filePath: store.stateFile.string))

        #expect {
            _ = try store.load()
        } throws: { error in
            guard let error = error as? ManagerError else { return false }
            return error.code == .stateCorrupted && error.reason.contains(store.stateFile.string)
        }
        // The damaged file stays for inspection, byte for byte.
        #expect([UInt8](try Data(contentsOf: URL(filePath: store.stateFile.string))) == bytes)
    }

    @Test func newerFormatIsRefusedClearly() throws {
        var bytes = StateContainer(generation: 1, payload: [1, 2, 3]).encoded()
        bytes[11] = 9  // minReaderVersion low byte
        #expect(throws: ManagerError(.stateTooNew, "")) { _ = try StateContainer(decoding: bytes) }
    }
}

@Suite struct InstanceDurabilityTests {
    static let startup: [UInt8] = [0x80, 0x01, 0, 0, 0, 0x0C, 0, 0, 0x01, 0x44, 0, 0]

    @Test func stateChangingCommandIsStoredBeforeItsResponse() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory.string) }
        let manager = InstanceManager(stateDirectory: directory)
        let instance = try manager.open(InstanceID(3))
        let store = try #require(instance.store)
        let before = try #require(try store.load())

        let response = try #require(instance.execute(Self.startup))
        #expect(Array(response.suffix(4)) == [0, 0, 0, 0])
        let after = try #require(try store.load())
        #expect(after.generation == before.generation + 1)
        #expect(after.state.permanent.resetCount == 1)

        // A second manager (a restarted daemon) finds the same seeds.
        let reopened = try InstanceManager(stateDirectory: directory).open(InstanceID(3))
        #expect(
            try #require(try reopened.store?.load()).state.permanent.endorsementSeed
                == after.state.permanent.endorsementSeed)
    }

    @Test func failedWriteEntersFailureModeInsteadOfAcknowledging() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory.string) }
        let manager = InstanceManager(stateDirectory: directory)
        let instance = try manager.open(InstanceID(0))
        // Make the instance directory unwritable by replacing it with a file.
        let instanceDirectory = directory.appending("0").string
        try FileManager.default.removeItem(atPath: instanceDirectory)
        try Data([1]).write(to: URL(filePath: instanceDirectory))

        let response = try #require(instance.execute(Self.startup))
        #expect(response == ResponseHeader.errorResponse(.failure))
        let getRandom: [UInt8] = [0x80, 0x01, 0, 0, 0, 0x0C, 0, 0, 0x01, 0x7B, 0, 8]
        #expect(try #require(instance.execute(getRandom)) == ResponseHeader.errorResponse(.failure))
    }

    @Test func routedPacketsCarryTheirInstanceNumberAndAreCounted() throws {
        let manager = InstanceManager(stateDirectory: nil)
        try manager.open(InstanceID(0x0102_0304))
        let device = ManagerDevice(manager: manager)
        let answer = device.handle([1, 2, 3, 4] + Self.startup)
        #expect(answer == [1, 2, 3, 4, 0x80, 0x01, 0, 0, 0, 0x0A, 0, 0, 0, 0])
        let unknown = device.handle([0, 0, 0, 9] + Self.startup)
        #expect(unknown == [0, 0, 0, 9] + ResponseHeader.errorResponse(.failure))
        #expect(device.handle([1]) == [0xFF, 0xFF, 0xFF, 0xFF] + ResponseHeader.errorResponse(.failure))
        #expect(device.counters(of: InstanceID(0x0102_0304)) == .init(commands: 1, refused: 0))
        #expect(device.counters(of: InstanceID(9)) == .init(commands: 0, refused: 1))
        #expect(device.counters(of: InstanceID(5)) == .init())
    }

    @Test func powerControlFollowsTheSimulator() throws {
        let instance = try InstanceManager(stateDirectory: nil).open(InstanceID(0))
        #expect(instance.execute(Self.startup) != nil)
        try instance.perform(.powerOn)  // already on: nothing happens, the TPM stays started
        let again = try #require(instance.execute(Self.startup))
        #expect(Array(again.suffix(4)) == [0, 0, 1, 0])  // TPM_RC_INITIALIZE
        try instance.perform(.powerOff)
        #expect(instance.execute(Self.startup) == nil)
        try instance.perform(.powerOn)
        #expect(Array(try #require(instance.execute(Self.startup)).suffix(4)) == [0, 0, 0, 0])
        #expect(throws: PlatformControlError.badLocality) { try instance.perform(.setLocality(5)) }
    }
}
