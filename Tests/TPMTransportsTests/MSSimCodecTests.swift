// SPDX-License-Identifier: Apache-2.0

import Testing
import VTPMManager

@testable import TPMTransports

@Suite("mssim command port codec")
struct MSSimCodecTests {
    @Test("handshake reports version 1 and the reference's flags", arguments: chunkSizes)
    func handshake(chunk: Int?) throws {
        let harness = try SessionHarness<MSSimCommandSession>()
        let reply = harness.roundTrip(TestCommands.words(15, 1), chunk: chunk)
        #expect(reply == TestCommands.words(1, 0x0D, 0))
        #expect(harness.isActive)
    }

    @Test("handshake with client version 0 closes without a reply")
    func handshakeVersionZero() throws {
        let harness = try SessionHarness<MSSimCommandSession>()
        harness.feed(TestCommands.words(15, 0))
        #expect(harness.output().isEmpty)
        #expect(!harness.isActive)
    }

    @Test("Startup then GetRandom, framed as length + response + 0 in one write", arguments: chunkSizes)
    func sendCommand(chunk: Int?) throws {
        let harness = try SessionHarness<MSSimCommandSession>()
        let startupFrame = TestCommands.mssimFrame(TestCommands.startupClear)
        let startup = try #require(harness.roundTrip(startupFrame, chunk: chunk))
        #expect(startup == TestCommands.words(10) + [0x80, 0x01, 0, 0, 0, 10, 0, 0, 0, 0] + TestCommands.words(0))

        let randomFrame = TestCommands.mssimFrame(TestCommands.getRandom(8))
        let reply = try #require(harness.roundTrip(randomFrame, chunk: chunk))
        #expect(TestCommands.word(reply, at: 0) == 20)
        #expect(reply.count == 4 + 20 + 4)
        #expect(TestCommands.responseCode(Array(reply[4..<24])) == TestCommands.success)
        #expect(reply.suffix(4) == [0, 0, 0, 0])
    }

    @Test("two commands in one burst get two replies")
    func pipelined() throws {
        let harness = try SessionHarness<MSSimCommandSession>()
        harness.feed(
            TestCommands.mssimFrame(TestCommands.startupClear)
                + TestCommands.mssimFrame(TestCommands.getRandom(4)))
        let writes = harness.writes()
        #expect(writes.count == 2)
        #expect(writes.last?.count == 4 + 16 + 4)
    }

    @Test("a powered-off TPM answers with an empty response")
    func poweredOff() throws {
        let harness = try SessionHarness<MSSimCommandSession>()
        try harness.instance.perform(.powerOff)
        let reply = harness.roundTrip(TestCommands.mssimFrame(TestCommands.getRandom(8)))
        #expect(reply == TestCommands.words(0, 0))
    }

    @Test(
        "a command longer than the TPM accepts is skipped and answered with TPM_RC_COMMAND_SIZE",
        arguments: chunkSizes)
    func oversizedCommand(chunk: Int?) throws {
        let harness = try SessionHarness<MSSimCommandSession>()
        let body = [UInt8](repeating: 0xAB, count: 5000)
        let reply = try #require(
            harness.roundTrip(
                TestCommands.words(8) + [0] + TestCommands.words(5000) + body,
                chunk: chunk.map { $0 * 97 }))
        #expect(reply.count == 18)
        #expect(TestCommands.responseCode(Array(reply[4..<14])) == TestCommands.commandSize)
        // The stream is still in step: the next command works.
        let next = try #require(harness.roundTrip(TestCommands.mssimFrame(TestCommands.startupClear)))
        #expect(TestCommands.responseCode(Array(next[4..<14])) == TestCommands.success)
    }

    @Test("a length beyond the reference's 1 MiB closes the connection")
    func lengthTooLarge() throws {
        let harness = try SessionHarness<MSSimCommandSession>()
        harness.feed(TestCommands.words(8) + [0] + TestCommands.words(0x0010_0001))
        #expect(harness.output().isEmpty)
        #expect(!harness.isActive)
    }

    @Test("an empty command reaches the engine and gets an error response")
    func emptyCommand() throws {
        let harness = try SessionHarness<MSSimCommandSession>()
        let reply = try #require(harness.roundTrip(TestCommands.words(8) + [0] + TestCommands.words(0)))
        #expect(reply.count == 18)
        #expect(TestCommands.responseCode(Array(reply[4..<14])) != TestCommands.success)
    }

    @Test("side messages are acknowledged", arguments: chunkSizes)
    func sideMessages(chunk: Int?) throws {
        let harness = try SessionHarness<MSSimCommandSession>()
        #expect(harness.roundTrip(TestCommands.words(16, 7), chunk: chunk) == TestCommands.words(0))
        #expect(harness.roundTrip(TestCommands.words(5), chunk: chunk) == TestCommands.words(0))
        #expect(harness.roundTrip(TestCommands.words(6, 3) + [1, 2, 3], chunk: chunk) == TestCommands.words(0))
        #expect(harness.roundTrip(TestCommands.words(7), chunk: chunk) == TestCommands.words(0))
        #expect(harness.isActive)
    }

    @Test(
        "session end, stop and unknown codes close the connection without a reply",
        arguments: [UInt32(20), 21, 0, 99, 0xFFFF_FFFF])
    func closingCodes(code: UInt32) throws {
        let harness = try SessionHarness<MSSimCommandSession>()
        harness.feed(TestCommands.words(code) + TestCommands.mssimFrame(TestCommands.startupClear))
        #expect(harness.output().isEmpty)
        #expect(!harness.isActive)
    }

    @Test("a read that ends inside a message asks for an immediate ACK; one that completes it does not")
    func quickAck() throws {
        // tpm2-tss writes the 9-byte prefix and the command separately, without TCP_NODELAY: unless the
        // prefix is acknowledged at once, Nagle holds the command back for the peer's delayed ACK (~40 ms).
        let harness = try SessionHarness<MSSimCommandSession>()
        let frame = TestCommands.mssimFrame(TestCommands.startupClear)
        harness.feed(Array(frame.prefix(9)))
        #expect(harness.acknowledgements == 1)
        harness.feed(Array(frame.dropFirst(9)))
        #expect(harness.acknowledgements == 1)
        #expect(harness.writes().count == 1)
    }

    @Test("a frame cut short by the peer's close is dropped")
    func truncatedThenClosed() throws {
        let harness = try SessionHarness<MSSimCommandSession>()
        harness.feed(Array(TestCommands.mssimFrame(TestCommands.startupClear).prefix(13)))
        #expect(harness.output().isEmpty)
        harness.peerClosed()
        #expect(harness.output().isEmpty)
    }
}

@Suite("mssim decoder")
struct MSSimDecoderTests {
    @Test("peeks without consuming until a message is complete")
    func peeks() throws {
        var decoder = MSSimCommandDecoder()
        var buffer = InputBuffer(bytes: TestCommands.words(8) + [2] + TestCommands.words(12) + [0x80])
        #expect(try decoder.decode(buffer: &buffer) == nil)
        #expect(buffer.readerIndex == 0)
        buffer.writeBytes(TestCommands.startupClear.dropFirst())
        #expect(try decoder.decode(buffer: &buffer) == .sendCommand(locality: 2, command: TestCommands.startupClear))
        #expect(buffer.readableBytes == 0)
    }

    @Test("hash data is skipped as it arrives")
    func hashDataSkipped() throws {
        var decoder = MSSimCommandDecoder()
        var buffer = InputBuffer(bytes: TestCommands.words(6, 10) + [1, 2, 3])
        #expect(try decoder.decode(buffer: &buffer) == nil)
        #expect(buffer.readableBytes == 0)
        buffer.writeBytes([4, 5, 6, 7, 8, 9, 10] + TestCommands.words(7))
        #expect(try decoder.decode(buffer: &buffer) == .hashData(length: 10))
        #expect(try decoder.decode(buffer: &buffer) == .hashEnd)
    }
}
