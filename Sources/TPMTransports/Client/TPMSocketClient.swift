// SPDX-License-Identifier: Apache-2.0

/// A small blocking client for the mssim and swtpm TCP protocols, for the CLI, tests and benchmarks.
///
/// One connection per client; use it from one thread at a time. Each request goes out in one `send`, and a
/// reply that arrives in one segment is read with one `recv`, so the client adds as little as possible to
/// a measured round trip.
public final class TPMSocketClient {
    /// The largest response the client accepts (the TPM's are at most a few KiB).
    public static let maximumResponseSize = 1 << 20

    private let socket: BlockingSocket
    private var inbox: [UInt8] = []

    /// Connects to `host` (an IP address literal or "localhost") on `port`.
    /// - Parameters:
    ///   - receiveTimeout: how long a read may block; nil blocks forever.
    ///   - noDelay: TCP_NODELAY; false behaves like tpm2-tss's sockets (for tests).
    public init(
        host: String = "127.0.0.1", port: Int, receiveTimeout: Duration? = .seconds(30),
        noDelay: Bool = true
    ) throws {
        socket = try BlockingSocket(host: host, port: port, receiveTimeout: receiveTimeout, noDelay: noDelay)
    }

    /// Closes the connection; further calls fail.
    public func close() { socket.close() }

    // MARK: - mssim

    /// TPM_SEND_COMMAND on the mssim command port. Returns the response, empty while the TPM is off.
    public func mssimSend(_ command: [UInt8], locality: UInt8 = 0) throws -> [UInt8] {
        var request = Self.word(8)
        request.append(locality)
        request += Self.word(UInt32(command.count))
        request += command
        try socket.send(request)
        let length = try readLength()
        let response = try receiveExactly(length)
        _ = try receiveExactly(4)
        return response
    }

    /// TPM_REMOTE_HANDSHAKE on the mssim command port: returns the server version and endpoint flags.
    public func mssimHandshake(clientVersion: UInt32 = 1) throws -> (serverVersion: UInt32, flags: UInt32) {
        try socket.send(Self.word(15) + Self.word(clientVersion))
        let reply = try receiveExactly(12)
        return (Self.uint32(reply, at: 0), Self.uint32(reply, at: 4))
    }

    /// A signal on the mssim platform port (1 power on, 2 power off, 17 reset ...); returns its u32 result.
    public func mssimPlatform(_ signal: UInt32) throws -> UInt32 {
        try socket.send(Self.word(signal))
        return Self.uint32(try receiveExactly(4), at: 0)
    }

    // MARK: - swtpm

    /// A raw command on the swtpm data port, over this client's connection.
    public func swtpmSend(_ command: [UInt8]) throws -> [UInt8] {
        try socket.send(command)
        let header = try receiveExactly(10)
        let size = Int(Self.uint32(header, at: 2))
        guard size >= 10, size <= Self.maximumResponseSize else {
            throw TransportError(.protocolViolation, "response header announces \(size) bytes")
        }
        return header + (try receiveExactly(size - 10))
    }

    /// A raw command on the swtpm data port over a fresh connection, closed afterwards: what tpm2-tss's
    /// swtpm TCTI does for every command.
    public static func swtpmSendOnce(
        _ command: [UInt8], host: String = "127.0.0.1", port: Int,
        receiveTimeout: Duration? = .seconds(30)
    ) throws -> [UInt8] {
        let client = try TPMSocketClient(host: host, port: port, receiveTimeout: receiveTimeout)
        defer { client.close() }
        return try client.swtpmSend(command)
    }

    /// A request on the swtpm control port: the big-endian command code, then `payload`. Returns the reply
    /// as one `recv` delivers it (replies are sent in one write; tpm2-tss reads them the same way).
    public func swtpmControl(_ code: UInt32, payload: [UInt8] = []) throws -> [UInt8] {
        try socket.send(Self.word(code) + payload)
        return try receiveAvailable()
    }

    // MARK: - Raw access

    /// Sends bytes as they are.
    public func sendRaw(_ bytes: [UInt8]) throws {
        try socket.send(bytes)
    }

    /// Exactly `count` bytes; throws ``TransportError/Code/connectionClosed`` if the stream ends first.
    public func receiveExactly(_ count: Int) throws -> [UInt8] {
        while inbox.count < count {
            guard try socket.receive(appendingTo: &inbox) > 0 else {
                throw TransportError(.connectionClosed, "connection closed after \(inbox.count) of \(count) bytes")
            }
        }
        let result = Array(inbox.prefix(count))
        inbox.removeFirst(count)
        return result
    }

    /// Whatever is buffered, or what the next `recv` returns; empty when the peer closed the connection.
    public func receiveAvailable() throws -> [UInt8] {
        if inbox.isEmpty {
            _ = try socket.receive(appendingTo: &inbox)
        }
        defer { inbox.removeAll(keepingCapacity: true) }
        return inbox
    }

    private func readLength() throws -> Int {
        let length = Int(Self.uint32(try receiveExactly(4), at: 0))
        guard length <= Self.maximumResponseSize else {
            throw TransportError(.protocolViolation, "reply announces \(length) bytes")
        }
        return length
    }

    private static func word(_ value: UInt32) -> [UInt8] {
        [
            UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8),
            UInt8(truncatingIfNeeded: value),
        ]
    }

    private static func uint32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
