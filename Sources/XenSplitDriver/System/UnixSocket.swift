// SPDX-License-Identifier: Apache-2.0

import CVTPMSystem

#if canImport(Glibc)
import Glibc
#endif

/// A blocking unix-domain socket: the xenstore client's stream, the hypervisor's message channel (SOCK_SEQPACKET,
/// carrying descriptors) and the frontend's TPM device.
///
/// Unsafe pointers are confined to this file: each is the address of a local value or of an array this type
/// passes with its exact byte count, used only inside its `withUnsafe…` closure.
public final class UnixSocket: @unchecked Sendable {
    public enum Kind: Sendable {
        case stream, seqpacket
        var rawValue: Int32 {
            switch self {
            case .stream: Int32(SOCK_STREAM.rawValue)
            case .seqpacket: Int32(SOCK_SEQPACKET.rawValue)
            }
        }
    }

    public private(set) var descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    /// Takes ownership of a connected socket's descriptor (one received from another process).
    public convenience init(adopting descriptor: Int32) { self.init(descriptor: descriptor) }

    deinit {
        if descriptor >= 0 { Glibc.close(descriptor) }
    }

    /// Connects to the socket at `path`.
    public static func connect(to path: String, kind: Kind) throws(XenError) -> UnixSocket {
        let socket = try open(kind)
        var address = try Self.address(path)
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socket.descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else { throw XenError(.connectFailed, "cannot connect to \(path)", errno: errno) }
        return socket
    }

    /// Binds and listens at `path`, replacing a stale socket file; `mode` sets its permissions.
    public static func listen(at path: String, kind: Kind, mode: mode_t = 0o600) throws(XenError) -> UnixSocket {
        let socket = try open(kind)
        var address = try Self.address(path)
        unlink(path)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket.descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw XenError(.connectFailed, "cannot bind \(path)", errno: errno) }
        chmod(path, mode)
        guard Glibc.listen(socket.descriptor, 64) == 0 else {
            throw XenError(.connectFailed, "cannot listen on \(path)", errno: errno)
        }
        return socket
    }

    /// A connected pair (tests, and in-process peers).
    public static func pair(kind: Kind) throws(XenError) -> (UnixSocket, UnixSocket) {
        var fds: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, kind.rawValue | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw XenError(.systemCall, "socketpair failed", errno: errno)
        }
        return (UnixSocket(descriptor: fds[0]), UnixSocket(descriptor: fds[1]))
    }

    /// Waits for the next connection; nil once the listener was shut down.
    public func accept() -> UnixSocket? {
        while true {
            let client = cvtpm_accept_blocking(descriptor)
            if client >= 0 { return UnixSocket(descriptor: client) }
            if errno == EINTR || errno == ECONNABORTED { continue }
            return nil
        }
    }

    /// Gives up ownership: returns the descriptor, which this object no longer closes.
    public func release() -> Int32 {
        defer { descriptor = -1 }
        return descriptor
    }

    /// Ends the connection now (the peer sees end of stream, blocked calls here return). The descriptor itself is
    /// closed when this object goes away, so no other thread can ever use a number the kernel has reused.
    public func close() {
        shutdown()
    }

    /// Wakes any thread blocked in accept/receive on this socket (they then see end of stream).
    public func shutdown() {
        _ = Glibc.shutdown(descriptor, Int32(SHUT_RDWR))
    }

    /// Gives up a blocked receive after `milliseconds` (0: wait forever).
    public func setReceiveTimeout(milliseconds: Int) {
        var value = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    // MARK: - Data

    /// Sends all of `bytes` (and `descriptors` with the first part).
    public func send(_ bytes: [UInt8], descriptors: [Int32] = []) throws(XenError) {
        var offset = 0
        var passing = descriptors
        repeat {
            let sent = bytes.withUnsafeBytes { raw in
                passing.withUnsafeBufferPointer { fds in
                    cvtpm_send_with_fds(
                        descriptor, raw.baseAddress.map { $0 + offset }, raw.count - offset, fds.baseAddress,
                        Int32(fds.count))
                }
            }
            if sent < 0 {
                if errno == EINTR { continue }
                throw XenError(.connectionLost, "send failed", errno: errno)
            }
            passing = []
            offset += sent
        } while offset < bytes.count
    }

    /// One receive of at most `capacity` bytes: empty at end of stream. Descriptors that came along are returned
    /// (the caller owns them).
    public func receive(capacity: Int) throws(XenError) -> (bytes: [UInt8], descriptors: [Int32]) {
        var fds: (Int32, Int32, Int32, Int32) = (-1, -1, -1, -1)
        var count: Int32 = 0
        var failure: Int32 = 0
        // Uninitialized storage: zeroing a 64 KiB buffer per message would cost microseconds on the hot path.
        let bytes = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            while true {
                let received = withUnsafeMutableBytes(of: &fds) { out in
                    cvtpm_receive_with_fds(
                        descriptor, buffer.baseAddress, buffer.count,
                        out.baseAddress?.assumingMemoryBound(to: Int32.self),
                        Int32(CVTPM_MAX_PASSED_FDS), &count)
                }
                if received < 0, errno == EINTR { continue }
                failure = received < 0 ? errno : 0
                initialized = max(received, 0)
                return
            }
        }
        guard failure == 0 else {
            if failure == EAGAIN || failure == EWOULDBLOCK { throw XenError(.timedOut, "no answer in time") }
            throw XenError(.connectionLost, "receive failed", errno: failure)
        }
        let received = [fds.0, fds.1, fds.2, fds.3].prefix(Int(count))
        return (bytes, Array(received))
    }

    /// Reads exactly `count` bytes from a stream; nil at end of stream before the first byte.
    public func receiveExactly(_ count: Int) throws(XenError) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            let chunk = try receive(capacity: count - bytes.count).bytes
            if chunk.isEmpty {
                if bytes.isEmpty { return nil }
                throw XenError(.connectionLost, "the peer closed the stream in the middle of a message")
            }
            bytes += chunk
        }
        return bytes
    }

    // MARK: - Private

    private static func open(_ kind: Kind) throws(XenError) -> UnixSocket {
        let descriptor = socket(AF_UNIX, kind.rawValue | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw XenError(.systemCall, "socket failed", errno: errno) }
        return UnixSocket(descriptor: descriptor)
    }

    private static func address(_ path: String) throws(XenError) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !bytes.isEmpty, bytes.count < capacity else {
            throw XenError(.connectFailed, "socket path '\(path)' is empty or longer than \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        return address
    }
}
