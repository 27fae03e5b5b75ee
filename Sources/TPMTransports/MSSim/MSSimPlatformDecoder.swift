// SPDX-License-Identifier: Apache-2.0

import NIOCore

/// Frames the mssim platform port: a u32 signal, plus a u32 ACT handle for TPM_ACT_GET_SIGNALED. After a
/// signal that ends the connection, the rest of the input is discarded.
struct MSSimPlatformDecoder: NIOSingleStepByteToMessageDecoder {
    typealias InboundOut = MSSimPlatformRequest

    private var finished = false

    mutating func decode(buffer: inout ByteBuffer) throws -> MSSimPlatformRequest? {
        guard !finished else {
            buffer.moveReaderIndex(to: buffer.writerIndex)
            return nil
        }
        guard let signal = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        let request: MSSimPlatformRequest
        if let bare = MSSimPlatformRequest(signal: signal) {
            buffer.moveReaderIndex(forwardBy: 4)
            request = bare
        } else {
            guard let handle = buffer.getInteger(at: buffer.readerIndex + 4, as: UInt32.self) else { return nil }
            buffer.moveReaderIndex(forwardBy: 8)
            request = .actGetSignaled(handle: handle)
        }
        finished = request.endsConnection
        return request
    }

    mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> MSSimPlatformRequest? {
        try decode(buffer: &buffer)
    }
}
