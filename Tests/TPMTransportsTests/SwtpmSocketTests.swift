// SPDX-License-Identifier: Apache-2.0

import TPMTransports
import Testing
import VTPMManager

@Suite("swtpm over TCP")
struct SwtpmSocketTests {
    /// One control request on its own connection.
    static func control(_ port: Int, _ code: UInt32, _ payload: [UInt8] = []) throws -> [UInt8] {
        let client = try TPMSocketClient(port: port)
        defer { client.close() }
        return try client.swtpmControl(code, payload: payload)
    }

    @Test("a connection per command, as tpm2-tss does, and one kept open")
    func dataPort() async throws {
        try await withServer(mssim: false) { running in
            let port = running.swtpmDataPort
            let startup = try TPMSocketClient.swtpmSendOnce(TestCommands.startupClear, port: port)
            #expect(TestCommands.responseCode(startup) == TestCommands.success)
            for _ in 0..<20 {
                let random = try TPMSocketClient.swtpmSendOnce(TestCommands.getRandom(32), port: port)
                #expect(random.count == 44)
            }
            let client = try TPMSocketClient(port: port)
            defer { client.close() }
            for _ in 0..<20 {
                #expect(TestCommands.responseCode(try client.swtpmSend(TestCommands.getRandom(16))) == 0)
            }
        }
    }

    @Test("tpm2-tss's control pattern: a connection per request, reply read once")
    func controlPerConnection() async throws {
        try await withServer(mssim: false) { running async throws in
            let port = running.swtpmControlPort
            #expect(try Self.control(port, 5, [0]) == TestCommands.words(0))
            #expect(try Self.control(port, 2, TestCommands.words(1)) == TestCommands.words(0))
            #expect(try Self.control(port, 4) == TestCommands.words(0, 0))
            #expect(try Self.control(port, 17, TestCommands.words(0)) == TestCommands.words(0, 4096, 2808, 4096))
            #expect(try Self.control(port, 15) == TestCommands.words(0, 0))
        }
    }

    @Test("STOP makes the data channel answer TPM_RC_FAILURE until INIT")
    func stopThenInit() async throws {
        try await withServer(mssim: false) { running in
            let control = try TPMSocketClient(port: running.swtpmControlPort)
            let data = try TPMSocketClient(port: running.swtpmDataPort)
            defer {
                control.close()
                data.close()
            }
            #expect(try control.swtpmControl(14) == TestCommands.words(0))
            #expect(try data.swtpmSend(TestCommands.startupClear) == TestCommands.notRunningResponse)
            #expect(try control.swtpmControl(2, payload: TestCommands.words(0)) == TestCommands.words(0))
            #expect(TestCommands.responseCode(try data.swtpmSend(TestCommands.startupClear)) == TestCommands.success)
        }
    }

    @Test("SHUTDOWN powers the instance off and closes; the server keeps serving")
    func shutdown() async throws {
        try await withServer(mssim: false) { running in
            let control = try TPMSocketClient(port: running.swtpmControlPort)
            defer { control.close() }
            #expect(try control.swtpmControl(3) == TestCommands.words(0))
            #expect(try control.receiveAvailable().isEmpty)
            #expect(!running.instance.isPowered)
            let again = try TPMSocketClient(port: running.swtpmControlPort)
            defer { again.close() }
            #expect(try again.swtpmControl(2, payload: TestCommands.words(0)) == TestCommands.words(0))
            #expect(running.instance.isPowered)
        }
    }
}
