// SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization
import Testing
import VTPMManager

@testable import TPMTransports

#if canImport(Glibc)
import Glibc
#endif

/// The reactor behind the mssim command and swtpm data ports, through real sockets: framing however the
/// bytes are cut, replies the kernel cannot take at once, many connections, hostile peers, and shutdown.
@Suite("reactor over TCP")
struct ReactorSocketTests {
    static let startupSuccess: [UInt8] = [0x80, 0x01, 0, 0, 0, 10, 0, 0, 0, 0]

    /// Polls `condition` every 10 ms for up to `seconds`.
    static func eventually(within seconds: Double = 5, _ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    @Test("swtpm data: a command sent byte by byte inside the grace period, then whole")
    func swtpmByteByByte() async throws {
        try await withServer(mssim: false) { running in
            let client = try RawSocket(port: running.swtpmDataPort)
            defer { client.close() }
            // A blocking pause: the test must not depend on when the cooperative pool resumes it.
            for byte in TestCommands.startupClear {
                client.send([byte])
                usleep(1000)
            }
            #expect(client.receive(10) == Self.startupSuccess)
            client.send(TestCommands.getRandom(32))
            let reply = client.receive(44)
            #expect(reply.count == 44 && TestCommands.responseCode(reply) == TestCommands.success)
        }
    }

    @Test("mssim command: a frame byte by byte, then two frames in one write")
    func mssimByteByByte() async throws {
        try await withServer(swtpm: false) { running in
            let client = try RawSocket(port: running.mssimCommandPort)
            defer { client.close() }
            for byte in TestCommands.mssimFrame(TestCommands.startupClear) {
                client.send([byte])
                usleep(1000)
            }
            #expect(client.receive(18) == TestCommands.words(10) + Self.startupSuccess + TestCommands.words(0))
            client.send(TestCommands.mssimFrame(TestCommands.getRandom(4)) + TestCommands.words(15, 1))
            let random = client.receive(4 + 16 + 4)
            #expect(TestCommands.word(random, at: 0) == 16 && TestCommands.responseCode(Array(random[4...])) == 0)
            #expect(client.receive(12) == TestCommands.words(1, 0x0D, 0))
        }
    }

    @Test("a partial swtpm command is answered once the 100 ms grace period has run out")
    func gracePeriod() async throws {
        try await withServer(mssim: false) { running in
            let client = try RawSocket(port: running.swtpmDataPort)
            defer { client.close() }
            let start = ContinuousClock.now
            client.send(Array(TestCommands.startupClear.prefix(11)))
            let reply = client.receive(10)
            let elapsed = ContinuousClock.now - start
            #expect(TestCommands.responseCode(reply) == TestCommands.commandSize)
            #expect(elapsed >= .milliseconds(95) && elapsed < .seconds(2), "answered after \(elapsed)")
        }
    }

    @Test("a client that sends without reading gets every reply, in order, once it reads")
    func repliesTheKernelCannotTakeAtOnce() async throws {
        try await withServer(swtpm: false) { running in
            // A small window and small segments keep the server's send buffer small; 50,000 handshakes then ask
            // for far more replies (600 KB) than it holds, so the server meets EAGAIN, keeps the rest, and stops
            // reading until the client catches up.
            let count = 50_000
            let client = try RawSocket(port: running.mssimCommandPort, receiveBuffer: 4096, maximumSegment: 536)
            defer { client.close() }
            let requests = [[UInt8]](repeating: TestCommands.words(15, 1), count: count).flatMap { $0 }
            let sender = Thread { client.send(requests) }
            sender.start()
            #expect(try await Self.eventually(within: 30) { running.server.deferredReplyCount > 0 })
            // Meanwhile the loop still serves everybody else.
            let other = try TPMSocketClient(port: running.mssimCommandPort, receiveTimeout: .seconds(5))
            defer { other.close() }
            #expect(try other.mssimHandshake().serverVersion == 1)

            let replies = client.receive(12 * count)
            #expect(replies.count == 12 * count)
            let expected = TestCommands.words(1, 0x0D, 0)
            let mismatches = stride(from: 0, to: replies.count - 11, by: 12).filter {
                Array(replies[$0..<$0 + 12]) != expected
            }
            #expect(mismatches.isEmpty)
        }
    }

    @Test("three hundred connections at once, then none")
    func manyConnections() async throws {
        try await withServer(mssim: false) { running in
            #expect(
                try TPMSocketClient.swtpmSendOnce(TestCommands.startupClear, port: running.swtpmDataPort)
                    == Self.startupSuccess)
            let clients = try (0..<300).map { _ in try RawSocket(port: running.swtpmDataPort) }
            for client in clients { client.send(TestCommands.getRandom(16)) }
            for client in clients {
                let reply = client.receive(28)
                #expect(reply.count == 28 && TestCommands.responseCode(reply) == TestCommands.success)
            }
            #expect(running.server.connectionCount == 300)
            for client in clients { client.close() }
            #expect(try await Self.eventually { running.server.connectionCount == 0 })
        }
    }

    @Test("shutdown closes the listeners and every connection, idle, mid-command or mid-frame")
    func shutdownClosesEverything() async throws {
        let running = try await RunningServer.start(instances: 2)
        var clients: [RawSocket] = []
        for listeners in running.listeners {
            let mssim = try #require(listeners.mssim?.first)
            let swtpm = try #require(listeners.swtpm?.first)
            for index in 0..<10 {
                let data = try RawSocket(port: swtpm)
                let command = try RawSocket(port: mssim)
                if index % 2 == 1 {
                    data.send(Array(TestCommands.startupClear.prefix(5)))
                    command.send(Array(TestCommands.mssimFrame(TestCommands.startupClear).prefix(12)))
                }
                clients += [data, command]
            }
        }
        #expect(try await Self.eventually { running.server.connectionCount == 40 })
        await running.stop()
        for client in clients {
            #expect(client.peerClosed())
            client.close()
        }
        #expect(running.server.connectionCount == 0)
        #expect(throws: TransportError.self) { try RawSocket(port: running.swtpmDataPort) }
        #expect(throws: TransportError.self) { try RawSocket(port: running.mssimCommandPort) }
    }

    @Test("64 KiB of garbage on the swtpm data port: TPM_RC_COMMAND_SIZE, then the connection closes")
    func swtpmGarbage() async throws {
        try await withServer(mssim: false) { running in
            let client = try RawSocket(port: running.swtpmDataPort)
            defer { client.close() }
            var garbage = [UInt8](repeating: 0x5A, count: 65536)
            garbage[0...5] = [0x80, 0x01, 0, 0, 0x10, 0]
            client.send(garbage)
            let reply = client.receive(10)
            #expect(reply.isEmpty || TestCommands.responseCode(reply) == TestCommands.commandSize)
            #expect(client.peerClosed())
            #expect(try await Self.eventually { running.server.connectionCount == 0 })
            #expect(
                TestCommands.responseCode(
                    try TPMSocketClient.swtpmSendOnce(TestCommands.startupClear, port: running.swtpmDataPort)) == 0)
        }
    }

    @Test("resets mid-command and mid-reply leave nothing behind")
    func abruptResets() async throws {
        try await withServer { running in
            for round in 0..<30 {
                let data = try RawSocket(port: running.swtpmDataPort)
                let command = try RawSocket(port: running.mssimCommandPort)
                if round % 2 == 0 {
                    data.send(Array(TestCommands.getRandom(8).prefix(7)))
                    command.send(Array(TestCommands.mssimFrame(TestCommands.getRandom(8)).prefix(10)))
                } else {
                    data.send(TestCommands.getRandom(48))
                    command.send(
                        TestCommands.mssimFrame(TestCommands.getRandom(48))
                            + TestCommands.mssimFrame(TestCommands.getRandom(48)))
                }
                data.reset()
                command.reset()
            }
            #expect(try await Self.eventually { running.server.connectionCount == 0 })
            try MalformedInputTests.expectServing(running)
        }
    }

    @Test("instances on different loops keep their own TPMs")
    func instancesAcrossLoops() async throws {
        try await withServer(instances: 3) { running in
            let ports = running.listeners.compactMap { $0.swtpm?.first }
            #expect(ports.count == 3)
            #expect(try TPMSocketClient.swtpmSendOnce(TestCommands.startupClear, port: ports[1]) == Self.startupSuccess)
            for (index, port) in ports.enumerated() {
                let reply = try TPMSocketClient.swtpmSendOnce(TestCommands.getRandom(4), port: port)
                let expected = index == 1 ? TestCommands.success : TestCommands.initialize
                #expect(TestCommands.responseCode(reply) == expected, "instance \(index)")
            }
        }
    }
}
