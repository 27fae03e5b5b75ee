// SPDX-License-Identifier: Apache-2.0

import TPMTransports
import Testing
import VTPMManager

/// The same control and data traffic sent to a real `swtpm socket` and to us: the replies must be the same
/// bytes (except where we answer a later-stage verb as unsupported).
@Suite("swtpm differential", .serialized)
struct SwtpmDifferentialTests {
    /// Requests in order, on one control connection (swtpm_ioctl's pattern), from running to stopped and back.
    static let controlSequence: [[UInt8]] = [
        TestCommands.words(2, 0),  // INIT
        TestCommands.words(5) + [3],  // SET_LOCALITY 3
        TestCommands.words(5, 0),  // SET_LOCALITY 0, sent as the full 4-byte struct
        TestCommands.words(5) + [5],  // SET_LOCALITY 5
        TestCommands.words(4),  // GET_TPMESTABLISHED
        TestCommands.words(4) + [0],
        TestCommands.words(11) + [0],  // RESET_TPMESTABLISHED 0
        TestCommands.words(11) + [4],
        TestCommands.words(17, 0),  // SET_BUFFERSIZE query
        TestCommands.words(17, 3000),  // refused while running
        TestCommands.words(15),  // GET_CONFIG
        TestCommands.words(15) + [1],
        TestCommands.words(9),  // CANCEL_TPM_CMD
        TestCommands.words(14) + [0],  // STOP with a stray byte
        TestCommands.words(42),  // unknown
        TestCommands.words(14),  // STOP
        TestCommands.words(4),  // GET_TPMESTABLISHED while stopped
        TestCommands.words(9),
        TestCommands.words(5) + [1],
        TestCommands.words(17, 100),  // clamped up to the minimum
        TestCommands.words(17, 0),
        TestCommands.words(17, 100_000),  // clamped down to the maximum
        TestCommands.words(15),
        TestCommands.words(2, 1),  // INIT, delete volatile
        TestCommands.words(4),
    ]

    @Test("control channel replies match swtpm byte for byte")
    func controlChannel() async throws {
        let swtpm = try SwtpmProcess()
        defer { swtpm.stop() }
        try await withServer(mssim: false) { running in
            let theirs = try TPMSocketClient(port: swtpm.controlPort, receiveTimeout: .seconds(5))
            let ours = try TPMSocketClient(port: running.swtpmControlPort, receiveTimeout: .seconds(5))
            defer {
                theirs.close()
                ours.close()
            }
            for request in Self.controlSequence {
                try theirs.sendRaw(request)
                try ours.sendRaw(request)
                let expected = try theirs.receiveAvailable()
                let actual = try ours.receiveAvailable()
                #expect(actual == expected, "request \(request)")
            }
        }
    }

    @Test("our capability bits are a subset of swtpm's")
    func capabilities() async throws {
        let swtpm = try SwtpmProcess()
        defer { swtpm.stop() }
        try await withServer(mssim: false) { running in
            let theirs = try TPMSocketClient(port: swtpm.controlPort, receiveTimeout: .seconds(5))
            let ours = try TPMSocketClient(port: running.swtpmControlPort, receiveTimeout: .seconds(5))
            defer {
                theirs.close()
                ours.close()
            }
            let theirBits = try theirs.swtpmControl(1)
            let ourBits = try ours.swtpmControl(1)
            #expect(theirBits.count == 8)
            #expect(ourBits.count == 8)
            #expect(zip(ourBits, theirBits).allSatisfy { $0 & ~$1 == 0 })
        }
    }

    /// One exchange on a fresh data connection, the reply as one read delivers it.
    static func exchange(_ bytes: [UInt8], port: Int) throws -> [UInt8] {
        let client = try TPMSocketClient(port: port, receiveTimeout: .seconds(5))
        defer { client.close() }
        try client.sendRaw(bytes)
        return try client.receiveAvailable()
    }

    @Test("data channel: framing errors, the prefix and the not-running answer match swtpm")
    func dataChannel() async throws {
        let swtpm = try SwtpmProcess()
        defer { swtpm.stop() }
        try await withServer(mssim: false) { running in
            var sizeTooBig = TestCommands.startupClear
            sizeTooBig[5] = 13
            let cases: [[UInt8]] = [
                TestCommands.getRandom(8),  // before Startup: TPM_RC_INITIALIZE
                TestCommands.startupClear + [0],
                sizeTooBig,
                TestCommands.mssimFrame(TestCommands.getRandom(8), locality: 0),
            ]
            for command in cases {
                let expected = try Self.exchange(command, port: swtpm.dataPort)
                let actual = try Self.exchange(command, port: running.swtpmDataPort)
                #expect(actual == expected, "command \(command)")
            }
            for port in [swtpm.controlPort, running.swtpmControlPort] {
                let control = try TPMSocketClient(port: port)
                defer { control.close() }
                #expect(try control.swtpmControl(14) == TestCommands.words(0))
            }
            for command in [TestCommands.getRandom(8), TestCommands.mssimFrame(TestCommands.getRandom(8))] {
                let expected = try Self.exchange(command, port: swtpm.dataPort)
                let actual = try Self.exchange(command, port: running.swtpmDataPort)
                #expect(actual == expected, "command \(command)")
            }
        }
    }
}
