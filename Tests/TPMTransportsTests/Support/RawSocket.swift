// SPDX-License-Identifier: Apache-2.0

import TPMTransports

#if canImport(Glibc)
import Glibc
#endif

/// A blocking loopback TCP client with the knobs the reactor tests need and ``TPMSocketClient`` does not
/// offer: a small receive buffer, sending and receiving from different threads, and an abortive close (RST).
/// Test support: the descriptor is a plain number, shared by the threads of one test.
struct RawSocket: Sendable {
    let descriptor: Int32

    /// Connects to 127.0.0.1:`port`. `receiveBuffer` (SO_RCVBUF) and `maximumSegment` (TCP_MAXSEG) are set
    /// before connecting: the first bounds the window the server may fill, the second the server's segment
    /// size, from which the kernel sizes the server socket's first send buffer (loopback's 64 KiB segments
    /// make it megabytes).
    init(
        port: Int, receiveBuffer: Int32? = nil, maximumSegment: Int32? = nil,
        receiveTimeoutSeconds: Int = 10
    ) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw TransportError(.connectFailed, "socket()") }
        if let receiveBuffer { Self.set(descriptor, SOL_SOCKET, SO_RCVBUF, receiveBuffer) }
        if let maximumSegment { Self.set(descriptor, Int32(IPPROTO_TCP), Int32(TCP_MAXSEG), maximumSegment) }
        var timeout = timeval(tv_sec: receiveTimeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        Self.set(descriptor, Int32(IPPROTO_TCP), Int32(TCP_NODELAY), 1)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let descriptor = self.descriptor
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            Glibc.close(descriptor)
            throw TransportError(.connectFailed, "connect to \(port)")
        }
    }

    /// Wraps a connected descriptor (one end of a socketpair).
    init(adopting descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Sends all of `bytes`; false if the connection failed first.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent < 0, errno == EINTR { continue }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    /// Exactly `count` bytes, or fewer if the peer closes, fails or stays silent for the receive timeout.
    func receive(_ count: Int) -> [UInt8] {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while data.count < count {
            let wanted = min(buffer.count, count - data.count)
            let received = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, wanted, 0) }
            if received < 0, errno == EINTR { continue }
            if received <= 0 { break }
            data += buffer[0..<received]
        }
        return data
    }

    /// What one `recv` returns (blocking until something arrives).
    func receiveSome() -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let received = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if received < 0, errno == EINTR { continue }
            return received > 0 ? Array(buffer[0..<received]) : []
        }
    }

    /// True once the peer has closed (a read returns end of stream or a reset) within the receive timeout.
    func peerClosed() -> Bool {
        var byte: UInt8 = 0
        while true {
            let received = recv(descriptor, &byte, 1, 0)
            if received < 0, errno == EINTR { continue }
            if received == 0 { return true }
            if received < 0 { return errno == ECONNRESET }
        }
    }

    func close() { Glibc.close(descriptor) }

    /// Closes with SO_LINGER 0: the kernel sends a reset instead of a FIN and drops whatever is unsent.
    func reset() {
        var linger = linger(l_onoff: 1, l_linger: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
        Glibc.close(descriptor)
    }

    private static func set(_ descriptor: Int32, _ level: Int32, _ name: Int32, _ value: Int32) {
        var value = value
        setsockopt(descriptor, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
    }
}
