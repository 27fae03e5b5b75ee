// SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Hands out blocks of consecutive free loopback TCP ports, so tests running in parallel never collide: the
/// first 400 ports above the port base (`VTPM_TEST_PORT_BASE`, 31000 unless set; each worktree of this machine
/// uses its own base), wrapping around.
enum Ports {
    private static let next = Mutex<Int>(0)

    static var base: Int {
        ProcessInfo.processInfo.environment["VTPM_TEST_PORT_BASE"].flatMap { Int($0) } ?? 31000
    }

    /// The first of `count` consecutive ports that are free right now.
    static func block(_ count: Int) -> UInt16 {
        while true {
            let first = next.withLock { value -> Int in
                if value + count > 400 { value = 0 }
                defer { value += count }
                return value
            }
            let port = UInt16(base + first)
            if (0..<count).allSatisfy({ isFree(port + UInt16($0)) }) { return port }
        }
    }

    /// Binds a throw-away socket to 127.0.0.1:`port`.
    static func isFree(_ port: UInt16) -> Bool {
        withLoopbackSocket(port) { fd, address, length in bind(fd, address, length) == 0 }
    }

    /// True once something accepts connections on 127.0.0.1:`port`.
    static func isListening(_ port: UInt16) -> Bool {
        withLoopbackSocket(port) { fd, address, length in connect(fd, address, length) == 0 }
    }

    /// Runs `body` with a fresh TCP socket and the address 127.0.0.1:`port`, then closes the socket. The
    /// sockaddr is built on the stack and only lives for the call; this is test support, the one place the
    /// tests touch a socket address directly.
    private static func withLoopbackSocket(
        _ port: UInt16, _ body: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Bool
    ) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                body(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }

    static func waitUntilListening(_ port: UInt16, timeout: TimeInterval = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if isListening(port) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }
}
