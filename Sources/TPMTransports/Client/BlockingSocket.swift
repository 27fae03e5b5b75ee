// SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A connected, blocking TCP socket with TCP_NODELAY: the thinnest wrapper over the system calls, for a
/// client whose own latency must not show in benchmarks.
///
/// This is the only type in the package that uses unsafe pointers. They are safe here because every
/// pointer comes from `withUnsafe…` on a local value or on an array this type owns, is used only inside
/// that closure, and is passed to the kernel with the exact size of the memory behind it (`MemoryLayout.size`
/// of the address structure, the array's count); the kernel writes at most that many bytes.
final class BlockingSocket {
    private var descriptor: Int32
    private var scratch = [UInt8](repeating: 0, count: 64 * 1024)

    /// Connects to an IPv4 or IPv6 address literal, or "localhost" (127.0.0.1). `noDelay` false leaves
    /// Nagle's algorithm on, as tpm2-tss does.
    init(host: String, port: Int, receiveTimeout: Duration?, noDelay: Bool = true) throws(TransportError) {
        guard (1...65535).contains(port) else {
            throw TransportError(.connectFailed, "port \(port) is not in 1-65535")
        }
        let literal = host == "localhost" ? "127.0.0.1" : host
        let family = literal.contains(":") ? AF_INET6 : AF_INET
        descriptor = socket(family, Self.streamType, 0)
        guard descriptor >= 0 else { throw Self.failure(.connectFailed, "socket()") }
        do throws(TransportError) {
            if noDelay { try setOption(Int32(IPPROTO_TCP), Int32(TCP_NODELAY), 1) }
            if let receiveTimeout { try setReceiveTimeout(receiveTimeout) }
            try connect(family: family, literal: literal, port: port)
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    func close() {
        guard descriptor >= 0 else { return }
        _ = systemClose(descriptor)
        descriptor = -1
    }

    /// Sends all of `bytes` (one system call unless the kernel takes less).
    func send(_ bytes: [UInt8]) throws(TransportError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return systemSend(descriptor, base + offset, raw.count - offset, Self.sendFlags)
            }
            if sent < 0 {
                if errno == EINTR { continue }
                throw Self.failure(.ioFailed, "send()")
            }
            offset += sent
        }
    }

    /// Appends what one `recv` returns (at most `limit` bytes) to `inbox`; returns the count, 0 at end of
    /// stream.
    func receive(appendingTo inbox: inout [UInt8], limit: Int = 64 * 1024) throws(TransportError) -> Int {
        while true {
            let wanted = min(limit, scratch.count)
            let received = scratch.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return recv(descriptor, base, wanted, 0)
            }
            if received >= 0 {
                inbox.append(contentsOf: scratch[0..<received])
                return received
            }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                throw TransportError(.timedOut, "no reply within the receive timeout")
            }
            throw Self.failure(.ioFailed, "recv()")
        }
    }

    private func connect(family: Int32, literal: String, port: Int) throws(TransportError) {
        let result: Int32
        if family == AF_INET6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port)).bigEndian
            guard inet_pton(AF_INET6, literal, &address.sin6_addr) == 1 else {
                throw TransportError(.connectFailed, "\(literal) is not an IP address")
            }
            result = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                    systemConnect(descriptor, generic, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port)).bigEndian
            guard inet_pton(AF_INET, literal, &address.sin_addr) == 1 else {
                throw TransportError(.connectFailed, "\(literal) is not an IP address")
            }
            result = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                    systemConnect(descriptor, generic, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard result == 0 else { throw Self.failure(.connectFailed, "connect() to \(literal):\(port)") }
    }

    private func setOption(_ level: Int32, _ name: Int32, _ value: Int32) throws(TransportError) {
        var value = value
        guard setsockopt(descriptor, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw Self.failure(.connectFailed, "setsockopt(\(name))")
        }
    }

    private func setReceiveTimeout(_ timeout: Duration) throws(TransportError) {
        let (seconds, attoseconds) = timeout.components
        var value = timeval(tv_sec: Int(seconds), tv_usec: .init(attoseconds / 1_000_000_000_000))
        guard setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size)) == 0
        else { throw Self.failure(.connectFailed, "setsockopt(SO_RCVTIMEO)") }
    }

    private static func failure(_ code: TransportError.Code, _ call: String) -> TransportError {
        TransportError(code, "\(call) failed: \(String(cString: strerror(errno)))")
    }

    #if canImport(Glibc)
    private static let streamType = Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue)
    private static let sendFlags = Int32(MSG_NOSIGNAL)
    #else
    private static let streamType = SOCK_STREAM
    private static let sendFlags: Int32 = 0
    #endif
}

// The system calls under names that do not collide with this type's methods.
private func systemClose(_ descriptor: Int32) -> Int32 { close(descriptor) }
private func systemSend(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int, _ flags: Int32) -> Int {
    send(descriptor, bytes, count, flags)
}
private func systemConnect(_ descriptor: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    connect(descriptor, address, length)
}
