// SPDX-License-Identifier: Apache-2.0

import NIOCore
import NIOEmbedded
import Testing
import VTPMManager

@testable import TPMTransports

/// Control-channel replies, byte for byte as swtpm 0.7.1 (libtpms 0.9.2) gave them to the same requests
/// (recorded with a raw socket client on this machine; the live comparison is in SwtpmDifferentialTests).
@Suite("swtpm control channel codec")
struct SwtpmControlCodecTests {
    struct Row: Sendable, CustomStringConvertible {
        let name: String
        let request: [UInt8]
        let reply: [UInt8]
        var description: String { name }
    }

    static let runningRows: [Row] = [
        Row(name: "INIT", request: TestCommands.words(2, 0), reply: TestCommands.words(0)),
        Row(name: "INIT short", request: TestCommands.words(2, 0) + [0], reply: TestCommands.words(3)),
        Row(name: "GET_TPMESTABLISHED", request: TestCommands.words(4), reply: TestCommands.words(0, 0)),
        Row(name: "GET_TPMESTABLISHED + 1", request: TestCommands.words(4) + [0], reply: TestCommands.words(3)),
        Row(name: "SET_LOCALITY 3", request: TestCommands.words(5) + [3], reply: TestCommands.words(0)),
        Row(name: "SET_LOCALITY 0 (4 bytes)", request: TestCommands.words(5, 0), reply: TestCommands.words(0)),
        Row(name: "SET_LOCALITY 5", request: TestCommands.words(5) + [5], reply: TestCommands.words(0x3D)),
        Row(name: "RESET_TPMESTABLISHED 0", request: TestCommands.words(11) + [0], reply: TestCommands.words(0x3D)),
        Row(name: "RESET_TPMESTABLISHED 3", request: TestCommands.words(11) + [3], reply: TestCommands.words(0)),
        Row(name: "RESET_TPMESTABLISHED 9", request: TestCommands.words(11) + [9], reply: TestCommands.words(0x3D)),
        Row(
            name: "SET_BUFFERSIZE 0", request: TestCommands.words(17, 0),
            reply: TestCommands.words(0, 4096, 2808, 4096)),
        Row(name: "SET_BUFFERSIZE 100 running", request: TestCommands.words(17, 100), reply: TestCommands.words(10)),
        Row(name: "SET_BUFFERSIZE short", request: TestCommands.words(17) + [0], reply: TestCommands.words(3)),
        Row(name: "GET_CONFIG", request: TestCommands.words(15), reply: TestCommands.words(0, 0)),
        Row(name: "GET_CONFIG + 1", request: TestCommands.words(15) + [0], reply: TestCommands.words(3)),
        Row(name: "CANCEL_TPM_CMD", request: TestCommands.words(9), reply: TestCommands.words(0)),
        Row(name: "STOP + 1", request: TestCommands.words(14) + [0], reply: TestCommands.words(3)),
        Row(name: "unknown 99", request: TestCommands.words(99), reply: TestCommands.words(10)),
        Row(name: "unknown 0", request: TestCommands.words(0), reply: TestCommands.words(10)),
        Row(name: "LOCK_STORAGE (after 0.7)", request: TestCommands.words(19, 0), reply: TestCommands.words(10)),
    ]

    @Test("replies while running match swtpm's", arguments: runningRows)
    func running(row: Row) throws {
        let harness = try EmbeddedHarness(.swtpmControl)
        #expect(try harness.roundTrip(row.request) == row.reply)
        #expect(harness.channel.isActive)
    }

    static let stoppedRows: [Row] = [
        Row(name: "GET_TPMESTABLISHED", request: TestCommands.words(4), reply: TestCommands.words(10)),
        Row(name: "GET_TPMESTABLISHED + 1", request: TestCommands.words(4) + [0], reply: TestCommands.words(10)),
        Row(name: "CANCEL_TPM_CMD", request: TestCommands.words(9), reply: TestCommands.words(10)),
        Row(name: "RESET_TPMESTABLISHED 3", request: TestCommands.words(11) + [3], reply: TestCommands.words(10)),
        Row(name: "SET_LOCALITY 2", request: TestCommands.words(5) + [2], reply: TestCommands.words(0)),
        Row(
            name: "SET_BUFFERSIZE 100", request: TestCommands.words(17, 100),
            reply: TestCommands.words(0, 2808, 2808, 4096)),
        Row(
            name: "SET_BUFFERSIZE 9000", request: TestCommands.words(17, 9000),
            reply: TestCommands.words(0, 4096, 2808, 4096)),
        Row(name: "GET_CONFIG", request: TestCommands.words(15), reply: TestCommands.words(0, 0)),
        Row(name: "STOP", request: TestCommands.words(14), reply: TestCommands.words(0)),
    ]

    @Test("replies while stopped match swtpm's", arguments: stoppedRows)
    func stopped(row: Row) throws {
        let harness = try EmbeddedHarness(.swtpmControl)
        try harness.instance.perform(.stop)
        #expect(try harness.roundTrip(row.request) == row.reply)
    }

    @Test("GET_CAPABILITY advertises exactly what is implemented")
    func capabilities() throws {
        let harness = try EmbeddedHarness(.swtpmControl)
        #expect(try harness.roundTrip(TestCommands.words(1)) == TestCommands.words(0, 0xACAF))
    }

    @Test("later-stage verbs get TPM_BAD_ORDINAL", arguments: [UInt32(6), 7, 8, 10, 12, 13, 16, 18])
    func laterStage(code: UInt32) throws {
        let harness = try EmbeddedHarness(.swtpmControl)
        let reply = try harness.roundTrip(TestCommands.words(code, 0, 0, 0))
        #expect(reply == TestCommands.words(10))
    }

    @Test("several requests on one connection, each fed whole or byte by byte", arguments: chunkSizes)
    func sequence(chunk: Int?) throws {
        let harness = try EmbeddedHarness(.swtpmControl)
        #expect(try harness.roundTrip(TestCommands.words(2, 1), chunk: chunk) == TestCommands.words(0))
        #expect(try harness.roundTrip(TestCommands.words(5) + [2], chunk: chunk) == TestCommands.words(0))
        #expect(harness.instance.locality == 2)
        #expect(try harness.roundTrip(TestCommands.words(4), chunk: chunk) == TestCommands.words(0, 0))
    }

    @Test("INIT powers a stopped TPM on; STOP and SHUTDOWN power it off; SHUTDOWN closes")
    func lifecycle() throws {
        let harness = try EmbeddedHarness(.swtpmControl)
        #expect(try harness.roundTrip(TestCommands.words(14)) == TestCommands.words(0))
        #expect(!harness.instance.isPowered)
        #expect(try harness.roundTrip(TestCommands.words(2, 0)) == TestCommands.words(0))
        #expect(harness.instance.isPowered)
        #expect(try harness.roundTrip(TestCommands.words(3)) == TestCommands.words(0))
        #expect(!harness.instance.isPowered)
        #expect(!harness.channel.isActive)
    }

    @Test(
        "a request still incomplete after 500 ms closes the connection without a reply",
        arguments: [[UInt8]([0, 0]), TestCommands.words(5), TestCommands.words(2) + [0, 0]])
    func incomplete(bytes: [UInt8]) throws {
        let harness = try EmbeddedHarness(.swtpmControl)
        try harness.feed(bytes)
        harness.loop.advanceTime(by: .milliseconds(499))
        #expect(harness.channel.isActive)
        harness.loop.advanceTime(by: .milliseconds(2))
        #expect(try harness.output().isEmpty)
        #expect(!harness.channel.isActive)
    }

    @Test("64 KiB of garbage: replies or a close, never a crash", arguments: [UInt8(0), 0x11, 0xFF])
    func garbage(fill: UInt8) throws {
        let harness = try EmbeddedHarness(.swtpmControl)
        try harness.feed([UInt8](repeating: fill, count: 65536), chunk: 4096)
        harness.loop.advanceTime(by: .seconds(1))
        for write in try harness.writes() {
            #expect(write.count >= 4)
        }
    }
}
