// SPDX-License-Identifier: Apache-2.0

/// A TPM2B byte buffer — Part 2, 10.4: a u16 size followed by that many bytes, never more than `maxSize`.
///
/// Conforming types validate in their `init`, so a buffer that is too long cannot exist and marshalling
/// cannot fail. Unless a type says otherwise, an empty buffer (size 0) is valid.
public protocol TPM2BBytes: TPMCodable, Hashable, Sendable {
    /// The largest size the spec allows for this buffer in our implementation.
    static var maxSize: Int { get }
    var buffer: [UInt8] { get }
    /// Creates the buffer; throws ``TPMRC/size`` if `buffer` is longer than `maxSize`.
    init(_ buffer: [UInt8]) throws(TPMRC)
}

extension TPM2BBytes {
    @inlinable public var count: Int { buffer.count }
    @inlinable public var isEmpty: Bool { buffer.isEmpty }

    /// The empty buffer.
    @inlinable
    public static var empty: Self {
        // An empty buffer is within every limit.
        try! Self([])
    }

    @inlinable
    public static func validate(_ buffer: [UInt8]) throws(TPMRC) {
        guard buffer.count <= maxSize else { throw .size }
    }

    @inlinable
    public func marshal(into writer: inout TPMWriter) {
        writer.writeInteger(UInt16(buffer.count))
        writer.writeBytes(buffer)
    }

    @inlinable
    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        let size = Int(try reader.readInteger(as: UInt16.self))
        guard size <= Self.maxSize else { throw .size }
        try self.init(try reader.readBytes(count: size))
    }
}

// MARK: - Buffers (Part 2, 10.4 and 11.1)

/// TPM2B_DIGEST — Part 2, 10.4.2: up to the largest digest (SHA-512, 64 bytes).
public struct TPM2BDigest: TPM2BBytes {
    public static let maxSize = 64
    public let buffer: [UInt8]
    public init(_ buffer: [UInt8]) throws(TPMRC) { try Self.validate(buffer); self.buffer = buffer }
}

/// TPM2B_DATA — Part 2, 10.4.3: up to sizeof(TPMT_HA) = 66 bytes.
public struct TPM2BData: TPM2BBytes {
    public static let maxSize = 66
    public let buffer: [UInt8]
    public init(_ buffer: [UInt8]) throws(TPMRC) { try Self.validate(buffer); self.buffer = buffer }
}

/// TPM2B_NONCE — Part 2, 10.4.4 (a TPM2B_DIGEST).
public typealias TPM2BNonce = TPM2BDigest

/// TPM2B_AUTH — Part 2, 10.4.5 (a TPM2B_DIGEST).
public typealias TPM2BAuth = TPM2BDigest

/// TPM2B_OPERAND — Part 2, 10.4.6 (a TPM2B_DIGEST).
public typealias TPM2BOperand = TPM2BDigest

/// TPM2B_EVENT — Part 2, 10.4.7: up to 1024 bytes of event data.
public struct TPM2BEvent: TPM2BBytes {
    public static let maxSize = 1024
    public let buffer: [UInt8]
    public init(_ buffer: [UInt8]) throws(TPMRC) { try Self.validate(buffer); self.buffer = buffer }
}

/// TPM2B_MAX_BUFFER — Part 2, 10.4.8: up to MAX_DIGEST_BUFFER (1024) bytes.
public struct TPM2BMaxBuffer: TPM2BBytes {
    public static let maxSize = 1024
    public let buffer: [UInt8]
    public init(_ buffer: [UInt8]) throws(TPMRC) { try Self.validate(buffer); self.buffer = buffer }
}

/// TPM2B_MAX_NV_BUFFER — Part 2, 10.4.9: up to MAX_NV_BUFFER_SIZE (1024) bytes.
public struct TPM2BMaxNVBuffer: TPM2BBytes {
    public static let maxSize = 1024
    public let buffer: [UInt8]
    public init(_ buffer: [UInt8]) throws(TPMRC) { try Self.validate(buffer); self.buffer = buffer }
}

/// TPM2B_TIMEOUT — Part 2, 10.4.10: up to 8 bytes.
public struct TPM2BTimeout: TPM2BBytes {
    public static let maxSize = 8
    public let buffer: [UInt8]
    public init(_ buffer: [UInt8]) throws(TPMRC) { try Self.validate(buffer); self.buffer = buffer }
}

/// TPM2B_IV — Part 2, 10.4.11: up to MAX_SYM_BLOCK_SIZE (16) bytes.
public struct TPM2BIV: TPM2BBytes {
    public static let maxSize = 16
    public let buffer: [UInt8]
    public init(_ buffer: [UInt8]) throws(TPMRC) { try Self.validate(buffer); self.buffer = buffer }
}

/// TPM2B_NAME — Part 2, 10.5.3: a handle (4 bytes) or a hash algorithm plus digest (up to 66 bytes).
public struct TPM2BName: TPM2BBytes {
    public static let maxSize = 66
    public let buffer: [UInt8]
    public init(_ buffer: [UInt8]) throws(TPMRC) { try Self.validate(buffer); self.buffer = buffer }
}

/// TPM2B_SENSITIVE_DATA — Part 2, 11.1.14: up to MAX_SYM_DATA (128) bytes.
public struct TPM2BSensitiveData: TPM2BBytes {
    public static let maxSize = 128
    public let buffer: [UInt8]
    public init(_ buffer: [UInt8]) throws(TPMRC) { try Self.validate(buffer); self.buffer = buffer }
}
