// SPDX-License-Identifier: Apache-2.0

import NIOCore

/// Frames the swtpm control channel the way swtpm receives it: a message is the command code plus every
/// byte that has arrived by the time the code's minimum request is complete (up to swtpm's 4104-byte
/// receive buffer). The request's length is then judged by the verb, which is why a request struct sent in
/// full (swtpm_ioctl) and one sent trimmed (tpm2-tss) both work, exactly as with swtpm.
///
/// Peeks before consuming: an incomplete message stays in the buffer, and length fields only ever extend
/// the wait up to the fixed maximum, never an allocation.
struct SwtpmControlFramer {
    /// swtpm's receive buffer: the code plus its largest request (ptm_hdata, 4 + 4096 bytes).
    static let maximumMessageSize = 4 + 4 + 4096

    enum Decision: Hashable {
        case needMoreData
        case message(SwtpmControlCode, body: [UInt8])
    }

    func decode(buffer: inout ByteBuffer) -> Decision {
        guard let raw = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return .needMoreData }
        let code = SwtpmControlCode(rawValue: raw)
        let needed = min(Self.minimumSize(of: code, in: buffer), Self.maximumMessageSize)
        guard buffer.readableBytes >= needed else { return .needMoreData }
        let size = min(buffer.readableBytes, Self.maximumMessageSize)
        buffer.moveReaderIndex(forwardBy: 4)
        let body = buffer.readBytes(length: size - 4) ?? []
        return .message(code, body: body)
    }

    /// The bytes swtpm waits for before it handles `code`: the fixed part of its request, plus the
    /// announced payload of the two variable-length verbs once their length field is in.
    private static func minimumSize(of code: SwtpmControlCode, in buffer: ByteBuffer) -> Int {
        let start = buffer.readerIndex
        switch code {
        case .initialize: return 8
        case .setLocality, .resetEstablished: return 5
        case .getStateBlob: return 16
        case .hashData:
            let length = buffer.getInteger(at: start + 4, as: UInt32.self).map { Int($0) } ?? 0
            return 8 + length
        case .setStateBlob:
            let length = buffer.getInteger(at: start + 12, as: UInt32.self).map { Int($0) } ?? 0
            return 16 + length
        default: return 4
        }
    }
}
