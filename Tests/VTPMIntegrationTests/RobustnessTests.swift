// SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Malformed traffic on every port: each message gets an error response or a clean close, the daemon
/// keeps serving, and the TPM's state is intact.
@Suite struct RobustnessTests {
    /// A raw TCP conversation with a port (test support: plain sockets, no framing of our own).
    final class RawConnection {
        let fd: Int32

        init(port: UInt16) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var timeout = timeval(tv_sec: 3, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard result == 0 else { throw DaemonError(message: "connect to \(port) failed") }
        }

        func send(_ bytes: [UInt8]) {
            var offset = 0
            while offset < bytes.count {
                let sent = bytes[offset...].withUnsafeBytes {
                    Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
                }
                if sent <= 0 { return }
                offset += sent
            }
        }

        /// Everything the peer sends until it closes, goes quiet for the receive timeout, or `limit` bytes.
        func receive(limit: Int = 1 << 20) -> [UInt8] {
            var data: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while data.count < limit {
                let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count <= 0 { break }
                data += buffer[0..<count]
            }
            return data
        }

        /// Half-closes the sending side, then reads the rest.
        func finish() -> [UInt8] {
            shutdown(fd, Int32(SHUT_WR))
            return receive()
        }

        deinit { close(fd) }
    }

    static func command(_ code: UInt32, _ body: [UInt8] = [], size: UInt32? = nil) -> [UInt8] {
        let total = size ?? UInt32(10 + body.count)
        return [0x80, 0x01] + withUnsafeBytes(of: total.bigEndian, Array.init)
            + withUnsafeBytes(of: code.bigEndian, Array.init) + body
    }

    static func responseCode(_ response: [UInt8]) -> UInt32? {
        guard response.count >= 10 else { return nil }
        return response[6..<10].reduce(0) { $0 << 8 | UInt32($1) }
    }

    @Test func swtpmDataPortSurvivesMalformedCommands() throws {
        let tpm = try VTPMDaemon()
        try tpm.tpm2Succeeds("startup", ["-c"])
        try tpm.tpm2Succeeds("pcrextend", ["16:sha256=" + String(repeating: "aa", count: 32)])
        let pcr16 = try tpm.tpm2Succeeds("pcrread", ["sha256:16"])
        let port = tpm.swtpmPort

        // Size field smaller or larger than what arrives: TPM_RC_COMMAND_SIZE, as swtpm answers.
        var connection = try RawConnection(port: port)
        connection.send(Self.command(0x17B, [0, 8], size: 11))
        #expect(Self.responseCode(connection.receive(limit: 10)) == 0x142)
        connection = try RawConnection(port: port)
        connection.send(Self.command(0x17B, [0, 8], size: 64))
        #expect(Self.responseCode(connection.receive(limit: 10)) == 0x142)
        // A truncated header, then the peer goes away.
        connection = try RawConnection(port: port)
        connection.send([0x80, 0x01, 0, 0])
        _ = connection.finish()
        // A connection that sends nothing at all.
        _ = try RawConnection(port: port).finish()
        // 64 KiB of garbage: answered and/or closed, never hanging.
        connection = try RawConnection(port: port)
        connection.send((0..<65536).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let answer = connection.finish()
        #expect(answer.isEmpty || Self.responseCode(answer) != 0)
        // An abrupt disconnect in the middle of a command.
        connection = try RawConnection(port: port)
        connection.send(Array(Self.command(0x17B, [0, 8]).prefix(7)))

        #expect(try tpm.tpm2Succeeds("pcrread", ["sha256:16"]) == pcr16)
        #expect(tpm.isRunning)
    }

    @Test func mssimPortsSurviveMalformedFrames() throws {
        let tpm = try VTPMDaemon()
        try tpm.tpm2Succeeds("startup", ["-c"], over: .mssim)
        let port = try #require(tpm.mssimPort)
        // TPM_SEND_COMMAND announcing 4 GiB: the server must not allocate it; it closes the stream.
        var connection = try RawConnection(port: port)
        connection.send([0, 0, 0, 8, 0, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3])
        _ = connection.finish()
        // A well-framed command whose TPM header lies about its size: a TPM error inside a normal frame.
        connection = try RawConnection(port: port)
        let lying = Self.command(0x17B, [0, 8], size: 99)
        connection.send([0, 0, 0, 8, 0] + withUnsafeBytes(of: UInt32(lying.count).bigEndian, Array.init) + lying)
        let framed = connection.receive(limit: 18)
        #expect(framed.count == 18 && Self.responseCode(Array(framed.dropFirst(4))) == 0x142, "\(framed)")
        // Unknown command and platform signals, a zero-length command, and a peer that vanishes mid-frame.
        connection = try RawConnection(port: port)
        connection.send([0, 0, 0, 99])
        _ = connection.finish()
        connection = try RawConnection(port: port)
        connection.send([0, 0, 0, 8, 0, 0, 0, 0, 0])
        _ = connection.receive(limit: 18)
        connection = try RawConnection(port: port + 1)
        connection.send([0, 0, 0, 77])
        _ = connection.finish()
        connection = try RawConnection(port: port)
        connection.send([0, 0, 0, 8, 0, 0, 0])

        #expect(try tpm.tpm2Succeeds("getrandom", ["--hex", "8"], over: .mssim).count == 16)
        #expect(tpm.isRunning)
    }
}
