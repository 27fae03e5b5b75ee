// SPDX-License-Identifier: Apache-2.0

import Testing
import VTPMManager

@testable import TPMTransports

@Suite("swtpm data channel codec")
struct SwtpmDataCodecTests {
    @Test("a complete command is answered at once, in one write", arguments: chunkSizes)
    func complete(chunk: Int?) throws {
        let harness = try SessionHarness<SwtpmDataSession>()
        let startup = harness.roundTrip(TestCommands.startupClear, chunk: chunk)
        #expect(startup == [0x80, 0x01, 0, 0, 0, 10, 0, 0, 0, 0])
        let reply = try #require(harness.roundTrip(TestCommands.getRandom(32), chunk: chunk))
        #expect(reply.count == 44)
        #expect(TestCommands.responseCode(reply) == TestCommands.success)
    }

    @Test("more bytes than the header says: the engine's TPM_RC_COMMAND_SIZE, and the burst is dropped")
    func tooLong() throws {
        let harness = try SessionHarness<SwtpmDataSession>()
        let reply = try #require(harness.roundTrip(TestCommands.startupClear + [0]))
        #expect(reply == [0x80, 0x01, 0, 0, 0, 10, 0, 0, 0x01, 0x42])
        #expect(harness.roundTrip(TestCommands.startupClear) == [0x80, 0x01, 0, 0, 0, 10, 0, 0, 0, 0])
    }

    @Test("fewer bytes than the header says: answered after the grace period")
    func tooShort() throws {
        let harness = try SessionHarness<SwtpmDataSession>()
        var command = TestCommands.startupClear
        command[5] = 14
        harness.feed(command)
        #expect(harness.output().isEmpty)
        harness.advanceTime(by: .milliseconds(99))
        #expect(harness.output().isEmpty)
        harness.advanceTime(by: .milliseconds(2))
        #expect(harness.writes() == [[0x80, 0x01, 0, 0, 0, 10, 0, 0, 0x01, 0x42]])
        #expect(harness.isActive)
    }

    @Test("the rest arriving within the grace period completes the command")
    func restArrives() throws {
        let harness = try SessionHarness<SwtpmDataSession>()
        harness.feed(Array(TestCommands.startupClear.prefix(6)))
        harness.advanceTime(by: .milliseconds(60))
        harness.feed(Array(TestCommands.startupClear.dropFirst(6)))
        #expect(harness.writes() == [[0x80, 0x01, 0, 0, 0, 10, 0, 0, 0, 0]])
        harness.advanceTime(by: .seconds(1))
        #expect(harness.output().isEmpty)
    }

    @Test("fewer than ten bytes are passed on after the grace period too")
    func shorterThanHeader() throws {
        let harness = try SessionHarness<SwtpmDataSession>()
        harness.feed([0x80, 0x01, 0, 0])
        harness.advanceTime(by: .milliseconds(101))
        let writes = harness.writes()
        #expect(writes.count == 1)
        #expect(TestCommands.responseCode(writes.first ?? []) != TestCommands.success)
    }

    @Test("a prefixed command gets a framed response and sets the locality", arguments: chunkSizes)
    func prefixed(chunk: Int?) throws {
        let harness = try SessionHarness<SwtpmDataSession>()
        let reply = harness.roundTrip(TestCommands.mssimFrame(TestCommands.startupClear, locality: 3), chunk: chunk)
        #expect(reply == TestCommands.words(10) + [0x80, 0x01, 0, 0, 0, 10, 0, 0, 0, 0] + TestCommands.words(0))
        #expect(harness.instance.locality == 3)
    }

    @Test("a stopped TPM answers TPM_RC_FAILURE with tag 0x8001, raw or prefixed")
    func stopped() throws {
        let harness = try SessionHarness<SwtpmDataSession>()
        try harness.instance.perform(.stop)
        #expect(harness.roundTrip(TestCommands.getRandom(8)) == TestCommands.notRunningResponse)
        let prefixed = harness.roundTrip(TestCommands.mssimFrame(TestCommands.getRandom(8)))
        #expect(prefixed == TestCommands.words(10) + TestCommands.notRunningResponse + TestCommands.words(0))
    }

    @Test("more buffered than any command: TPM_RC_COMMAND_SIZE, then the connection closes")
    func overflow() throws {
        let harness = try SessionHarness<SwtpmDataSession>()
        var huge = [UInt8](repeating: 0x55, count: 8192)
        huge[0] = 0x80
        huge[1] = 0x01
        huge[2...5] = [0, 0, 0x20, 0]
        harness.feed(huge)
        #expect(harness.writes() == [[0x80, 0x01, 0, 0, 0, 10, 0, 0, 0x01, 0x42]])
        #expect(!harness.isActive)
    }

    @Test("64 KiB of garbage: answered or closed, never a crash", arguments: [UInt8(0), 0xFF, 0x80])
    func garbage(fill: UInt8) throws {
        let harness = try SessionHarness<SwtpmDataSession>()
        harness.feed([UInt8](repeating: fill, count: 65536), chunk: 1500)
        harness.advanceTime(by: .seconds(1))
        for write in harness.writes() {
            #expect(write.count == 10)
        }
    }
}

@Suite("swtpm data framer")
struct SwtpmDataFramerTests {
    @Test("undecided until the header is in, and nothing is consumed")
    func peeks() {
        let framer = SwtpmDataFramer()
        var buffer = InputBuffer(bytes: Array(TestCommands.startupClear.prefix(9)))
        #expect(framer.decode(buffer: &buffer) == .needMoreData)
        #expect(buffer.readerIndex == 0)
        buffer.writeBytes(TestCommands.startupClear.dropFirst(9))
        #expect(framer.decode(buffer: &buffer) == .frame(SwtpmDataFrame(command: TestCommands.startupClear)))
    }

    @Test("a prefix is recognized only when the tag is not a TPM 2.0 tag")
    func prefixDetection() {
        let framer = SwtpmDataFramer()
        var prefixed = InputBuffer(bytes: TestCommands.mssimFrame(TestCommands.startupClear, locality: 1))
        #expect(
            framer.decode(buffer: &prefixed)
                == .frame(SwtpmDataFrame(command: TestCommands.startupClear, prefixLocality: 1)))
        var other = InputBuffer(bytes: TestCommands.words(9) + [0] + TestCommands.words(12) + [1, 2, 3])
        #expect(framer.decode(buffer: &other) == .needMoreData)
    }
}
