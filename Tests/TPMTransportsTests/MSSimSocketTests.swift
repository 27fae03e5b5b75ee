// SPDX-License-Identifier: Apache-2.0

import TPMTransports
import Testing
import VTPMManager

@Suite("mssim over TCP")
struct MSSimSocketTests {
    @Test("handshake, power on twice, Startup and GetRandom")
    func session() async throws {
        try await withServer { running in
            let platform = try TPMSocketClient(port: running.mssimPlatformPort)
            let command = try TPMSocketClient(port: running.mssimCommandPort)
            defer {
                platform.close()
                command.close()
            }
            let (version, flags) = try command.mssimHandshake()
            #expect(version == 1)
            #expect(flags == 0x0D)

            #expect(try platform.mssimPlatform(1) == 0)
            #expect(try platform.mssimPlatform(11) == 0)
            #expect(TestCommands.responseCode(try command.mssimSend(TestCommands.startupClear)) == TestCommands.success)
            // A second power-on (every tpm2-tss client sends one) must not reset the started TPM.
            #expect(try platform.mssimPlatform(1) == 0)
            let random = try command.mssimSend(TestCommands.getRandom(8))
            #expect(TestCommands.responseCode(random) == TestCommands.success)
            #expect(random.count == 20)
        }
    }

    @Test("power off empties responses; power on needs a new Startup")
    func powerCycle() async throws {
        try await withServer { running in
            let platform = try TPMSocketClient(port: running.mssimPlatformPort)
            let command = try TPMSocketClient(port: running.mssimCommandPort)
            defer {
                platform.close()
                command.close()
            }
            _ = try command.mssimSend(TestCommands.startupClear)
            #expect(try platform.mssimPlatform(2) == 0)
            #expect(try command.mssimSend(TestCommands.getRandom(8)).isEmpty)
            #expect(try platform.mssimPlatform(1) == 0)
            #expect(
                TestCommands.responseCode(try command.mssimSend(TestCommands.getRandom(8)))
                    == TestCommands.initialize)
            #expect(TestCommands.responseCode(try command.mssimSend(TestCommands.startupClear)) == TestCommands.success)
        }
    }

    @Test("tpm2-tss's split writes without TCP_NODELAY do not stall on delayed ACKs")
    func splitWritesWithNagle() async throws {
        try await withServer { running in
            // Like tpm2-tss: Nagle on, the 9-byte prefix and the command in separate writes. Without an
            // immediate ACK of the prefix, each command waits for the peer's delayed-ACK timer (~40 ms).
            let client = try TPMSocketClient(
                port: running.mssimCommandPort, receiveTimeout: .seconds(5),
                noDelay: false)
            defer { client.close() }
            func send(_ command: [UInt8]) throws -> [UInt8] {
                let frame = TestCommands.mssimFrame(command)
                try client.sendRaw(Array(frame.prefix(9)))
                try client.sendRaw(Array(frame.dropFirst(9)))
                let length = Int(TestCommands.word(try client.receiveExactly(4), at: 0))
                let response = try client.receiveExactly(length)
                _ = try client.receiveExactly(4)
                return response
            }
            _ = try send(TestCommands.startupClear)
            for _ in 0..<5 { _ = try send(TestCommands.getRandom(8)) }
            let clock = ContinuousClock()
            let start = clock.now
            for _ in 0..<20 {
                #expect(TestCommands.responseCode(try send(TestCommands.getRandom(8))) == TestCommands.success)
            }
            // 20 stalls would take 800 ms; without them this takes a few milliseconds.
            #expect(clock.now - start < .milliseconds(400))
        }
    }

    @Test("every instance has its own ports and TPM")
    func twoInstances() async throws {
        try await withServer(instances: 2) { running in
            let first = try #require(running.listeners.first?.mssim)
            let second = try #require(running.listeners.last?.mssim)
            #expect(second.first == first.first + 2)
            let zero = try TPMSocketClient(port: first.first)
            let one = try TPMSocketClient(port: second.first)
            defer {
                zero.close()
                one.close()
            }
            _ = try zero.mssimSend(TestCommands.startupClear)
            #expect(TestCommands.responseCode(try zero.mssimSend(TestCommands.getRandom(4))) == TestCommands.success)
            #expect(TestCommands.responseCode(try one.mssimSend(TestCommands.getRandom(4))) == TestCommands.initialize)
        }
    }
}
