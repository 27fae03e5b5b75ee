// SPDX-License-Identifier: Apache-2.0

import Foundation
import TPMTransports
import Testing
import VTPMManager

/// Hostile or broken clients on real sockets: the server answers or closes cleanly, and keeps serving.
@Suite("malformed input over TCP")
struct MalformedInputTests {
    enum Port: String, CaseIterable, Sendable {
        case mssimCommand, mssimPlatform, swtpmData, swtpmControl

        func number(_ running: RunningServer) -> Int {
            switch self {
            case .mssimCommand: running.mssimCommandPort
            case .mssimPlatform: running.mssimPlatformPort
            case .swtpmData: running.swtpmDataPort
            case .swtpmControl: running.swtpmControlPort
            }
        }
    }

    /// Reads until the server closes the connection (or stops answering for a while); returns what came.
    static func drain(_ client: TPMSocketClient) -> [UInt8] {
        var received: [UInt8] = []
        while let chunk = try? client.receiveAvailable(), !chunk.isEmpty {
            received += chunk
        }
        return received
    }

    /// The server still works: a fresh connection runs a command on every port kind.
    static func expectServing(_ running: RunningServer) throws {
        let command = try TPMSocketClient(port: running.mssimCommandPort, receiveTimeout: .seconds(5))
        defer { command.close() }
        #expect(!(try command.mssimSend(TestCommands.getRandom(4))).isEmpty)
        let data = try TPMSocketClient.swtpmSendOnce(
            TestCommands.getRandom(4), port: running.swtpmDataPort,
            receiveTimeout: .seconds(5))
        #expect(data.count >= 10)
        let control = try TPMSocketClient(port: running.swtpmControlPort, receiveTimeout: .seconds(5))
        defer { control.close() }
        #expect(try control.swtpmControl(15) == TestCommands.words(0, 0))
        let platform = try TPMSocketClient(port: running.mssimPlatformPort, receiveTimeout: .seconds(5))
        defer { platform.close() }
        #expect(try platform.mssimPlatform(1) == 0)
    }

    @Test("connect and close without a byte", arguments: Port.allCases)
    func emptyConnection(port: Port) async throws {
        try await withServer { running in
            for _ in 0..<10 {
                try TPMSocketClient(port: port.number(running)).close()
            }
            try Self.expectServing(running)
        }
    }

    @Test("64 KiB of garbage", arguments: Port.allCases, [UInt8(0x00), 0xFF, 0x08])
    func garbage(port: Port, fill: UInt8) async throws {
        try await withServer { running in
            let client = try TPMSocketClient(port: port.number(running), receiveTimeout: .seconds(2))
            defer { client.close() }
            try? client.sendRaw([UInt8](repeating: fill, count: 65536))
            _ = Self.drain(client)
            try Self.expectServing(running)
        }
    }

    @Test("truncated mssim frame, then an abrupt close")
    func truncatedMSSim() async throws {
        try await withServer { running in
            let frame = TestCommands.mssimFrame(TestCommands.startupClear)
            for cut in [1, 4, 5, 9, 15] {
                let client = try TPMSocketClient(port: running.mssimCommandPort)
                try client.sendRaw(Array(frame.prefix(cut)))
                client.close()
            }
            try Self.expectServing(running)
        }
    }

    @Test("mssim length above 1 MiB closes the connection")
    func mssimTooLarge() async throws {
        try await withServer { running in
            let client = try TPMSocketClient(port: running.mssimCommandPort, receiveTimeout: .seconds(5))
            defer { client.close() }
            try client.sendRaw(TestCommands.words(8) + [0] + TestCommands.words(0x7FFF_FFFF))
            #expect(try client.receiveAvailable().isEmpty)
            try Self.expectServing(running)
        }
    }

    @Test("disconnect in the middle of a reply stream")
    func abruptDisconnects() async throws {
        try await withServer { running in
            for _ in 0..<20 {
                let client = try TPMSocketClient(port: running.swtpmDataPort)
                try client.sendRaw(TestCommands.getRandom(48) + TestCommands.getRandom(48))
                client.close()
                let mssim = try TPMSocketClient(port: running.mssimCommandPort)
                try mssim.sendRaw(TestCommands.mssimFrame(TestCommands.getRandom(48)))
                mssim.close()
            }
            try Self.expectServing(running)
        }
    }

    @Test("a partial swtpm command is answered after the grace period")
    func partialSwtpmCommand() async throws {
        try await withServer { running in
            let client = try TPMSocketClient(port: running.swtpmDataPort, receiveTimeout: .seconds(5))
            defer { client.close() }
            try client.sendRaw(Array(TestCommands.startupClear.prefix(11)))
            let reply = try client.receiveExactly(10)
            #expect(TestCommands.responseCode(reply) == TestCommands.commandSize)
        }
    }

    @Test("the server closes open connections when it shuts down")
    func shutdownClosesConnections() async throws {
        let running = try await RunningServer.start()
        let clients = try Port.allCases.map {
            try TPMSocketClient(port: $0.number(running), receiveTimeout: .seconds(5))
        }
        defer { clients.forEach { $0.close() } }
        _ = try clients[0].mssimSend(TestCommands.getRandom(4))
        await running.stop()
        for client in clients {
            #expect(try client.receiveAvailable().isEmpty)
        }
        #expect(throws: TransportError.self) { try TPMSocketClient(port: running.mssimCommandPort) }
    }
}
