// SPDX-License-Identifier: Apache-2.0

import CVTPMSystem

#if canImport(Glibc)
import Glibc
#endif

/// A socket descriptor of the reactor, with the few system calls the data ports need; non-blocking except
/// while a busy connection has a thread of its own (``ThreadedConnection``).
///
/// This type and ``Epoll`` are the only code of the reactor that touches unsafe pointers or raw
/// descriptors. The pointers are safe because each one comes from `withUnsafe…` on a local value or on an
/// array the caller owns, is used only inside that closure, and is handed to the kernel with the exact size
/// of the memory behind it (the array's free tail, `MemoryLayout.size` of the structure); the kernel writes at
/// most that much. A descriptor is a plain number with one owner at a time (a listener or connection of one
/// loop, or the thread a busy connection moved to), which closes it exactly once; the only call another
/// thread makes on it is ``ConnectionThreads/stopAll()``'s `shutdown`, under the lock that keeps the
/// owner from closing it meanwhile.
struct Descriptor: Hashable, Sendable {
    let rawValue: Int32

    /// What a read or write did.
    enum Transfer: Hashable {
        /// This many bytes moved (never 0 for a write).
        case transferred(Int)
        /// The peer closed its side (reads only).
        case endOfStream
        /// Nothing can move now; wait for the next readiness event.
        case wouldBlock
        /// The call failed with this errno.
        case failed(Int32)
    }

    /// Reads what the kernel holds, at most the free tail of `buffer`, into that tail.
    func read(into buffer: inout InputBuffer) -> Transfer {
        let result = buffer.append { storage, free in
            storage.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress, free.upperBound <= raw.count else { return 0 }
                return recv(rawValue, base + free.lowerBound, free.count, 0)
            }
        }
        return Self.transfer(result, zeroMeansEnd: true)
    }

    /// Writes `bytes[offset...]` with one `send` (MSG_NOSIGNAL: a vanished peer is an error, not a signal).
    func write(_ bytes: [UInt8], from offset: Int = 0) -> Transfer {
        guard offset < bytes.count else { return .transferred(0) }
        let result = bytes.withUnsafeBytes { raw -> Int in
            guard let base = raw.baseAddress else { return 0 }
            return send(rawValue, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
        }
        return Self.transfer(result, zeroMeansEnd: false)
    }

    /// Accepts one pending connection, non-blocking and close-on-exec; nil when none is pending.
    func accept() -> Result<Descriptor?, TransportError> {
        while true {
            let accepted = cvtpm_accept(rawValue)
            if accepted >= 0 { return .success(Descriptor(rawValue: accepted)) }
            switch errno {
            case EINTR, ECONNABORTED: continue
            case EAGAIN, EWOULDBLOCK: return .success(nil)
            default: return .failure(Self.error(.ioFailed, "accept()"))
            }
        }
    }

    /// TCP_NODELAY: every reply is one write, and none may wait for the peer's ACK of the previous one.
    func setNoDelay() {
        setOption(Int32(IPPROTO_TCP), Int32(TCP_NODELAY), 1)
    }

    /// TCP_QUICKACK: acknowledge what has arrived now rather than after the delayed-ACK timer (the kernel
    /// clears the flag again by itself). See ``SessionStep/acknowledgeNow``.
    func acknowledgeNow() {
        setOption(Int32(IPPROTO_TCP), Int32(TCP_QUICKACK), 1)
    }

    func close() {
        _ = Glibc.close(rawValue)
    }

    /// The peer as "address:port" (for the `net.peer` log metadata), "unknown" if it cannot be had.
    var peerDescription: String {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let found = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(rawValue, $0, &length) == 0 }
        }
        return found ? Self.describe(storage) : "unknown"
    }

    /// The local port (for a listener bound to port 0).
    var localPort: Int? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let found = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(rawValue, $0, &length) == 0 }
        }
        return found ? Self.port(of: storage) : nil
    }

    func setOption(_ level: Int32, _ name: Int32, _ value: Int32) {
        var value = value
        _ = setsockopt(rawValue, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    static func error(_ code: TransportError.Code, _ call: String, errno number: Int32 = errno) -> TransportError {
        TransportError(code, "\(call) failed: \(String(cString: strerror(number)))")
    }

    private static func transfer(_ result: Int, zeroMeansEnd: Bool) -> Transfer {
        if result > 0 { return .transferred(result) }
        if result == 0 { return zeroMeansEnd ? .endOfStream : .wouldBlock }
        let number = errno
        return number == EAGAIN || number == EWOULDBLOCK || number == EINTR ? .wouldBlock : .failed(number)
    }

    /// sin_port and sin6_port both sit at offset 2, in network byte order.
    private static func port(of storage: sockaddr_storage) -> Int? {
        let family = Int32(storage.ss_family)
        guard family == AF_INET || family == AF_INET6 else { return nil }
        return withUnsafeBytes(of: storage) { raw in
            Int(UInt16(raw[2]) << 8 | UInt16(raw[3]))
        }
    }

    private static func describe(_ storage: sockaddr_storage) -> String {
        var storage = storage
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = Int32(storage.ss_family)
        let converted = withUnsafeMutableBytes(of: &storage) { raw -> Bool in
            // sin_addr sits at offset 4 of sockaddr_in, sin6_addr at offset 8 of sockaddr_in6.
            let offset = family == AF_INET6 ? 8 : 4
            guard let base = raw.baseAddress, family == AF_INET || family == AF_INET6 else { return false }
            return text.withUnsafeMutableBufferPointer { out in
                inet_ntop(family, base + offset, out.baseAddress, socklen_t(out.count)) != nil
            }
        }
        guard converted, let port = port(of: storage) else { return "unknown" }
        let address = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return "\(address):\(port)"
    }
}
