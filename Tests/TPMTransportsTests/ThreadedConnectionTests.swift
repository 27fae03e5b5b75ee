// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing

@testable import TPMTransports

#if canImport(Glibc)
import Glibc
#endif

/// Busy data-port connections move from their loop to a thread of their own and back when idle: replies stay
/// correct and in order on both sides of each move, timers and blocked replies survive it, the limit holds,
/// and shutdown reaches connections wherever they are.
///
/// Servers here keep idle threads for a minute (``longIdle``), so that a slow test machine cannot send a
/// connection back to its loop while a test still means to exercise its thread; the one test of going back
/// uses a short idle time and the cumulative move count, which no timing can make it miss.
@Suite("connections on their own threads")
struct ThreadedConnectionTests {
    static let longIdle = Duration.seconds(60)

    static func eventually(within seconds: Double = 5, _ condition: () -> Bool) async throws -> Bool {
        try await ReactorSocketTests.eventually(within: seconds, condition)
    }

    /// Sends GetRandom(`count`) on the swtpm data connection and checks the reply.
    static func expectRandom(_ client: RawSocket, _ count: UInt16 = 8) {
        client.send(TestCommands.getRandom(count))
        let reply = client.receive(12 + Int(count))
        #expect(reply.count == 12 + Int(count) && TestCommands.responseCode(reply) == TestCommands.success)
    }

    @Test("a second command moves a connection to its own thread; idle, it goes back to its loop and can move again")
    func moveAndReturn() async throws {
        try await withServer(mssim: false, threadIdleTimeout: .milliseconds(300)) { running in
            let client = try RawSocket(port: running.swtpmDataPort)
            defer { client.close() }
            client.send(TestCommands.startupClear)
            #expect(client.receive(10) == ReactorSocketTests.startupSuccess)
            #expect(running.server.connectionThreadStarts == 0, "one command is not busy")
            Self.expectRandom(client)
            #expect(try await Self.eventually { running.server.connectionThreadStarts == 1 })
            for _ in 0..<20 { Self.expectRandom(client) }

            // Idle for longer than the idle time: back on the loop, still served, and busy again later.
            #expect(
                try await Self.eventually { running.server.threadedConnectionCount == 0 },
                "the connection did not give its thread back")
            #expect(running.server.connectionCount == 1)
            // On a loaded machine a pause in the loop above may already have sent it back and forth: count from
            // here.
            let moves = running.server.connectionThreadStarts
            Self.expectRandom(client)
            Self.expectRandom(client)
            #expect(try await Self.eventually { running.server.connectionThreadStarts > moves })
            Self.expectRandom(client)
        }
    }

    @Test("mssim: frames split across writes and several frames per write, on a thread")
    func mssimOnThread() async throws {
        try await withServer(swtpm: false, threadIdleTimeout: Self.longIdle) { running in
            let client = try RawSocket(port: running.mssimCommandPort)
            defer { client.close() }
            client.send(TestCommands.words(15, 1))
            #expect(client.receive(12) == TestCommands.words(1, 0x0D, 0))
            client.send(TestCommands.words(15, 1))
            #expect(client.receive(12) == TestCommands.words(1, 0x0D, 0))
            #expect(try await Self.eventually { running.server.threadedConnectionCount == 1 })
            // The prefix and the command in separate writes, as tpm2-tss sends them.
            let frame = TestCommands.mssimFrame(TestCommands.startupClear)
            client.send(Array(frame.prefix(9)))
            usleep(2000)
            client.send(Array(frame.dropFirst(9)))
            #expect(
                client.receive(18) == TestCommands.words(10) + ReactorSocketTests.startupSuccess + TestCommands.words(0)
            )
            client.send(TestCommands.mssimFrame(TestCommands.getRandom(4)) + TestCommands.words(15, 1))
            let random = client.receive(4 + 16 + 4)
            #expect(TestCommands.word(random, at: 0) == 16 && TestCommands.responseCode(Array(random[4...])) == 0)
            #expect(client.receive(12) == TestCommands.words(1, 0x0D, 0))
            #expect(running.server.threadedConnectionCount == 1)
        }
    }

    @Test("the swtpm grace period runs on a thread too")
    func gracePeriodOnThread() async throws {
        try await withServer(mssim: false, threadIdleTimeout: Self.longIdle) { running in
            let client = try RawSocket(port: running.swtpmDataPort)
            defer { client.close() }
            client.send(TestCommands.startupClear)
            #expect(client.receive(10) == ReactorSocketTests.startupSuccess)
            Self.expectRandom(client)
            #expect(try await Self.eventually { running.server.threadedConnectionCount == 1 })
            let start = ContinuousClock.now
            client.send(Array(TestCommands.getRandom(8).prefix(11)))
            let reply = client.receive(10)
            let elapsed = ContinuousClock.now - start
            #expect(TestCommands.responseCode(reply) == TestCommands.commandSize)
            #expect(elapsed >= .milliseconds(95) && elapsed < .seconds(1), "answered after \(elapsed)")
            Self.expectRandom(client)
        }
    }

    @Test("a client that stops reading sends its connection back to the loop, and gets every reply")
    func blockedRepliesGoBackToTheLoop() async throws {
        try await withServer(swtpm: false, threadIdleTimeout: Self.longIdle) { running in
            let count = 50_000
            let client = try RawSocket(port: running.mssimCommandPort, receiveBuffer: 4096, maximumSegment: 536)
            defer { client.close() }
            for _ in 0..<2 {
                client.send(TestCommands.words(15, 1))
                #expect(client.receive(12) == TestCommands.words(1, 0x0D, 0))
            }
            #expect(try await Self.eventually { running.server.threadedConnectionCount == 1 })
            let requests = [[UInt8]](repeating: TestCommands.words(15, 1), count: count).flatMap { $0 }
            let sender = Thread { client.send(requests) }
            sender.start()
            #expect(try await Self.eventually(within: 30) { running.server.deferredReplyCount > 0 })
            #expect(running.server.threadedConnectionCount == 0, "a blocked reply holds no thread")
            let replies = client.receive(12 * count)
            #expect(replies.count == 12 * count)
            let expected = TestCommands.words(1, 0x0D, 0)
            let mismatches = stride(from: 0, to: replies.count - 11, by: 12).filter {
                Array(replies[$0..<$0 + 12]) != expected
            }
            #expect(mismatches.isEmpty)
        }
    }

    @Test("beyond the thread limit, busy connections stay on their loop and are served the same")
    func threadLimit() async throws {
        try await withServer(mssim: false, threadIdleTimeout: Self.longIdle) { running in
            #expect(
                try TPMSocketClient.swtpmSendOnce(TestCommands.startupClear, port: running.swtpmDataPort)
                    == ReactorSocketTests.startupSuccess)
            let limit = ConnectionThreadPolicy().limit
            let clients = try (0..<limit + 6).map { _ in try RawSocket(port: running.swtpmDataPort) }
            defer { for client in clients { client.close() } }
            for _ in 0..<3 {
                for client in clients { Self.expectRandom(client, 16) }
            }
            #expect(try await Self.eventually { running.server.threadedConnectionCount == limit })
            for client in clients { Self.expectRandom(client, 16) }
            #expect(running.server.threadedConnectionCount == limit)
        }
    }

    @Test("shutdown closes connections on their own threads")
    func shutdownReachesThreads() async throws {
        let running = try await RunningServer.start(instances: 1, threadIdleTimeout: Self.longIdle)
        let data = try RawSocket(port: running.swtpmDataPort)
        defer { data.close() }
        data.send(TestCommands.startupClear)
        #expect(data.receive(10) == ReactorSocketTests.startupSuccess)
        Self.expectRandom(data)
        let command = try RawSocket(port: running.mssimCommandPort)
        defer { command.close() }
        for _ in 0..<2 {
            command.send(TestCommands.words(15, 1))
            #expect(command.receive(12) == TestCommands.words(1, 0x0D, 0))
        }
        #expect(try await Self.eventually { running.server.threadedConnectionCount == 2 })
        await running.stop()
        #expect(data.peerClosed())
        #expect(command.peerClosed())
        #expect(running.server.connectionCount == 0)
        #expect(running.server.threadedConnectionCount == 0)
    }
}
