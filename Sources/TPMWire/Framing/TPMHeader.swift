// SPDX-License-Identifier: Apache-2.0

/// The ten-byte header of every command — Part 1, 18.2.
public struct CommandHeader: Hashable, Sendable {
    public static let size = 10

    public var tag: TPMST
    public var commandSize: UInt32
    public var commandCode: TPMCC

    public init(tag: TPMST, commandSize: UInt32, commandCode: TPMCC) {
        self.tag = tag
        self.commandSize = commandSize
        self.commandCode = commandCode
    }

    /// Reads the header fields without judging them; the engine decides which check fails first.
    public init?(peeking bytes: [UInt8]) {
        var reader = TPMReader(bytes)
        guard let tag = try? TPMST(unmarshalling: &reader),
            let size = try? reader.readInteger(as: UInt32.self),
            let code = try? TPMCC(unmarshalling: &reader)
        else { return nil }
        self.init(tag: tag, commandSize: size, commandCode: code)
    }
}

/// The ten-byte header of every response — Part 1, 18.3.
public struct ResponseHeader: TPMCodable, Hashable, Sendable {
    public static let size = 10

    public var tag: TPMST
    public var responseSize: UInt32
    public var responseCode: TPMRC

    public init(tag: TPMST, responseSize: UInt32, responseCode: TPMRC) {
        self.tag = tag
        self.responseSize = responseSize
        self.responseCode = responseCode
    }

    public func marshal(into writer: inout TPMWriter) {
        tag.marshal(into: &writer)
        writer.writeInteger(responseSize)
        writer.writeInteger(responseCode.rawValue)
    }

    public init(unmarshalling reader: inout TPMReader) throws(TPMRC) {
        tag = try TPMST(unmarshalling: &reader)
        responseSize = try reader.readInteger()
        responseCode = TPMRC(rawValue: try reader.readInteger())
    }

    /// The complete ten-byte response for an error: Part 1, 18.10 says errors carry no parameters.
    public static func errorResponse(_ rc: TPMRC, tag: TPMST = .noSessions) -> [UInt8] {
        ResponseHeader(tag: tag, responseSize: 10, responseCode: rc).marshalled()
    }
}

/// Anything that turns one TPM command into one TPM response (the engine, an instance, a remote TPM).
public protocol TPMCommandExecutor {
    mutating func execute(_ command: [UInt8], locality: UInt8) -> [UInt8]
}
