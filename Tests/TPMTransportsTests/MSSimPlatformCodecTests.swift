// SPDX-License-Identifier: Apache-2.0

import NIOCore
import NIOEmbedded
import Synchronization
import Testing
import VTPMManager

@testable import TPMTransports

@Suite("mssim platform port codec")
struct MSSimPlatformCodecTests {
    @Test("power on twice changes nothing; power off, then on again", arguments: chunkSizes)
    func power(chunk: Int?) throws {
        let harness = try EmbeddedHarness(.mssimPlatform)
        #expect(try harness.roundTrip(TestCommands.words(1), chunk: chunk) == TestCommands.words(0))
        #expect(try harness.roundTrip(TestCommands.words(1), chunk: chunk) == TestCommands.words(0))
        #expect(harness.instance.isPowered)
        #expect(try harness.roundTrip(TestCommands.words(2), chunk: chunk) == TestCommands.words(0))
        #expect(!harness.instance.isPowered)
        #expect(try harness.roundTrip(TestCommands.words(1), chunk: chunk) == TestCommands.words(0))
        #expect(harness.instance.isPowered)
    }

    @Test("signals answered with 0", arguments: [UInt32(3), 4, 9, 10, 11, 12, 13, 14, 17, 18])
    func acknowledged(signal: UInt32) throws {
        let harness = try EmbeddedHarness(.mssimPlatform)
        #expect(try harness.roundTrip(TestCommands.words(signal)) == TestCommands.words(0))
        #expect(harness.channel.isActive)
    }

    @Test("reset re-runs _TPM_Init: the TPM wants TPM2_Startup again")
    func reset() throws {
        let instance = try InstanceManager(stateDirectory: nil).open(InstanceID(0))
        #expect(TestCommands.responseCode(instance.execute(TestCommands.startupClear) ?? []) == TestCommands.success)
        let harness = try EmbeddedHarness(.mssimPlatform, instance: instance)
        #expect(try harness.roundTrip(TestCommands.words(17)) == TestCommands.words(0))
        let response = instance.execute(TestCommands.getRandom(4)) ?? []
        #expect(TestCommands.responseCode(response) == TestCommands.initialize)
    }

    @Test("test failure mode is refused (1) and the connection stays open")
    func testFailureMode() throws {
        let harness = try EmbeddedHarness(.mssimPlatform)
        #expect(try harness.roundTrip(TestCommands.words(30)) == TestCommands.words(1))
        #expect(harness.channel.isActive)
    }

    @Test("unknown signals get 1, then the connection closes", arguments: [UInt32(0), 5, 8, 99])
    func unknown(signal: UInt32) throws {
        let harness = try EmbeddedHarness(.mssimPlatform)
        try harness.feed(TestCommands.words(signal) + TestCommands.words(1))
        #expect(try harness.writes() == [TestCommands.words(1)])
        #expect(!harness.channel.isActive)
    }

    @Test("session end and stop close without a reply", arguments: [UInt32(20), 21])
    func closing(signal: UInt32) throws {
        let harness = try EmbeddedHarness(.mssimPlatform)
        try harness.feed(TestCommands.words(signal))
        #expect(try harness.output().isEmpty)
        #expect(!harness.channel.isActive)
    }

    @Test("ACT_GET_SIGNALED reads a handle and answers 0, 0", arguments: chunkSizes)
    func actGetSignaled(chunk: Int?) throws {
        let harness = try EmbeddedHarness(.mssimPlatform)
        #expect(try harness.roundTrip(TestCommands.words(26, 0x4000_0110), chunk: chunk) == TestCommands.words(0, 0))
    }

    @Test("command/response sizes: the largest seen, then reset")
    func commandResponseSizes() throws {
        let command = try SessionHarness<MSSimCommandSession>()
        _ = command.roundTrip(TestCommands.mssimFrame(TestCommands.startupClear))
        _ = command.roundTrip(TestCommands.mssimFrame(TestCommands.getRandom(16)))
        let platform = try EmbeddedHarness(.mssimPlatform, instance: command.instance)
        // Share the instance's record: the platform harness has its own ServedInstance, so copy it over.
        platform.served.sizeRecord.withLock { $0 = command.served.sizeRecord.withLock { $0 } }
        let reply = try #require(try platform.roundTrip(TestCommands.words(25)))
        let expected =
            TestCommands.words(16) + [12, 0, 0, 0, 0x00, 0x00, 0x01, 0x44] + [28, 0, 0, 0, 0, 0, 0, 0]
            + TestCommands.words(0)
        #expect(reply == expected)
        let again = try #require(try platform.roundTrip(TestCommands.words(25)))
        #expect(again == TestCommands.words(16) + [UInt8](repeating: 0, count: 16) + TestCommands.words(0))
    }
}
