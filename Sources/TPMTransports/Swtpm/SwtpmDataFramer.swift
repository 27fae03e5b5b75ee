// SPDX-License-Identifier: Apache-2.0

import TPMEngine

/// One command from the swtpm data channel.
struct SwtpmDataFrame: Hashable, Sendable {
    var command: [UInt8]
    /// Set when the command came behind swtpm's optional mssim-style prefix (u32 8, u8 locality, u32 size);
    /// such a command's response goes back framed the same way (u32 length, response, u32 0).
    var prefixLocality: UInt8?
}

/// Frames the swtpm data channel, which has no framing of its own: swtpm takes one read of at least ten
/// bytes as the command. We make that robust without changing what a well-behaved client sees:
///
/// - The command is complete when the header's size equals what arrived: it runs at once.
/// - More arrived than the header says: all of it goes to the engine, which answers TPM_RC_COMMAND_SIZE
///   (swtpm's answer to such a burst), and the bytes are dropped.
/// - Less arrived: the session waits a short grace period for the rest, then passes what it has
///   (``decodeAfterGrace(buffer:)``), and the engine answers TPM_RC_COMMAND_SIZE.
/// - More is buffered than any command can be: framing is lost (``Decision/overflow``).
///
/// Only fixed-size header fields are peeked; nothing is allocated from a length read off the wire.
struct SwtpmDataFramer: Sendable {
    static let prefixSize = 9
    static let prefixCode: UInt32 = 8
    static let headerSize = 10
    /// The most a client may buffer: the largest command the engine takes, behind a prefix.
    static let maximumBufferedSize = TPMEngine.maxCommandSize + prefixSize

    enum Decision: Hashable {
        case needMoreData
        case frame(SwtpmDataFrame)
        case overflow
    }

    func decode(buffer: inout InputBuffer) -> Decision {
        let available = buffer.readableBytes
        guard available <= Self.maximumBufferedSize else { return .overflow }
        guard let prefixSize = Self.prefixSize(of: buffer) else { return .needMoreData }
        let headerStart = buffer.readerIndex + prefixSize
        guard let commandSize = buffer.getInteger(at: headerStart + 2, as: UInt32.self),
            available >= Self.headerSize + prefixSize
        else { return .needMoreData }
        guard available >= prefixSize + Int(min(commandSize, UInt32(Self.maximumBufferedSize))) else {
            return .needMoreData
        }
        return .frame(Self.takeAll(&buffer, prefixSize: prefixSize))
    }

    /// Everything buffered as one command, once the grace period for the rest has run out; nil when empty.
    func decodeAfterGrace(buffer: inout InputBuffer) -> SwtpmDataFrame? {
        guard buffer.readableBytes > 0 else { return nil }
        return Self.takeAll(&buffer, prefixSize: Self.prefixSize(of: buffer) ?? 0)
    }

    /// 0 for a raw command, 9 for a prefixed one, nil while undecided. Like swtpm, a buffer that starts with
    /// a TPM 2.0 command tag is raw; otherwise it is prefixed if its first word is TPM_SEND_COMMAND.
    private static func prefixSize(of buffer: InputBuffer) -> Int? {
        guard let tag = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self) else { return nil }
        if tag == 0x8001 || tag == 0x8002 { return 0 }
        guard let code = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self),
            buffer.readableBytes >= prefixSize
        else { return nil }
        return code == prefixCode ? prefixSize : 0
    }

    private static func takeAll(_ buffer: inout InputBuffer, prefixSize: Int) -> SwtpmDataFrame {
        var locality: UInt8?
        if prefixSize > 0 {
            locality = buffer.getInteger(at: buffer.readerIndex + 4, as: UInt8.self)
            buffer.moveReaderIndex(forwardBy: prefixSize)
        }
        let command = buffer.readBytes(length: buffer.readableBytes) ?? []
        return SwtpmDataFrame(command: command, prefixLocality: locality)
    }
}
