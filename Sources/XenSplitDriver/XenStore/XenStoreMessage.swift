// SPDX-License-Identifier: Apache-2.0

/// The xs_wire message types (xen/include/public/io/xs_wire.h).
public struct XenStoreMessageType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let control = Self(rawValue: 0)
    public static let directory = Self(rawValue: 1)
    public static let read = Self(rawValue: 2)
    public static let getPermissions = Self(rawValue: 3)
    public static let watch = Self(rawValue: 4)
    public static let unwatch = Self(rawValue: 5)
    public static let transactionStart = Self(rawValue: 6)
    public static let transactionEnd = Self(rawValue: 7)
    public static let introduce = Self(rawValue: 8)
    public static let release = Self(rawValue: 9)
    public static let getDomainPath = Self(rawValue: 10)
    public static let write = Self(rawValue: 11)
    public static let mkdir = Self(rawValue: 12)
    public static let remove = Self(rawValue: 13)
    public static let setPermissions = Self(rawValue: 14)
    public static let watchEvent = Self(rawValue: 15)
    public static let error = Self(rawValue: 16)
    public static let isDomainIntroduced = Self(rawValue: 17)
    public static let resume = Self(rawValue: 18)
    public static let setTarget = Self(rawValue: 19)
    public static let resetWatches = Self(rawValue: 21)
    public static let directoryPart = Self(rawValue: 22)

    public var description: String { "XS_\(rawValue)" }
}

/// One xs_wire message: a 16-byte header of native-endian (little-endian on x86) u32s — type, request id,
/// transaction id, payload length — and at most 4096 bytes of payload.
public struct XenStoreMessage: Hashable, Sendable {
    public static let headerSize = 16
    /// XENSTORE_PAYLOAD_MAX: a peer that sends more has its connection closed.
    public static let payloadLimit = 4096

    public var type: XenStoreMessageType
    public var requestID: UInt32
    public var transactionID: UInt32
    public var payload: [UInt8]

    public init(type: XenStoreMessageType, requestID: UInt32 = 0, transactionID: UInt32 = 0, payload: [UInt8]) {
        self.type = type
        self.requestID = requestID
        self.transactionID = transactionID
        self.payload = payload
    }

    /// A reply to `request` of the request's type.
    static func reply(to request: XenStoreMessage, _ payload: [UInt8]) -> XenStoreMessage {
        XenStoreMessage(
            type: request.type, requestID: request.requestID, transactionID: request.transactionID, payload: payload)
    }

    /// An ERROR reply to `request`: the errno's name and a NUL.
    static func error(_ error: XenStoreError, replyingTo request: XenStoreMessage) -> XenStoreMessage {
        XenStoreMessage(
            type: .error, requestID: request.requestID, transactionID: request.transactionID,
            payload: Array(error.name.utf8) + [0])
    }

    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.headerSize + payload.count)
        for word in [type.rawValue, requestID, transactionID, UInt32(payload.count)] {
            for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> shift)) }
        }
        return bytes + payload
    }

    /// The payload length a header announces (bytes 12..<16 of `header`).
    static func payloadLength(_ header: some Collection<UInt8>) -> Int {
        Int(littleEndianWord(header, at: 12))
    }

    /// Decodes a whole message from `bytes` (header and exactly its payload).
    init(decoding bytes: [UInt8]) {
        type = XenStoreMessageType(rawValue: Self.littleEndianWord(bytes, at: 0))
        requestID = Self.littleEndianWord(bytes, at: 4)
        transactionID = Self.littleEndianWord(bytes, at: 8)
        payload = Array(bytes.dropFirst(Self.headerSize))
    }

    private static func littleEndianWord(_ bytes: some Collection<UInt8>, at offset: Int) -> UInt32 {
        var word: UInt32 = 0
        for (index, byte) in bytes.dropFirst(offset).prefix(4).enumerated() { word |= UInt32(byte) << (8 * index) }
        return word
    }
}

/// The NUL-separated strings of a payload.
struct XenStorePayload {
    private(set) var fields: [[UInt8]]
    /// Whether the payload ended with a NUL (requests' string arguments must).
    let terminated: Bool

    init(_ payload: [UInt8]) {
        terminated = payload.last == 0
        fields = payload.split(separator: 0, omittingEmptySubsequences: false).map(Array.init)
        if terminated { fields.removeLast() }
    }

    /// The `index`th NUL-terminated string; EINVAL if missing, unterminated or not UTF-8.
    func string(_ index: Int) throws(XenStoreError) -> String {
        guard index < fields.count, index < fields.count - 1 || terminated,
            let text = String(validating: fields[index], as: UTF8.self)
        else { throw .invalid }
        return text
    }

    /// All NUL-terminated strings.
    func strings() throws(XenStoreError) -> [String] {
        try (0..<fields.count).map { index throws(XenStoreError) in try string(index) }
    }
}
