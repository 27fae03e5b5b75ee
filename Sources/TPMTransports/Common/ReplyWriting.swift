// SPDX-License-Identifier: Apache-2.0

import NIOCore

extension ChannelHandlerContext {
    /// Writes one reply as one buffer and flushes it: one `write` system call per answer, so a client
    /// that reads its reply with a single `read` (tpm2-tss on the swtpm control port) gets all of it, and
    /// Nagle never holds back a tail.
    func sendReply(capacity: Int, _ fill: (inout ByteBuffer) -> Void) {
        var buffer = channel.allocator.buffer(capacity: capacity)
        fill(&buffer)
        writeAndFlush(NIOAny(buffer), promise: nil)
    }

    /// Writes big-endian u32 words as one reply.
    func sendWords(_ words: UInt32...) {
        sendReply(capacity: 4 * words.count) { buffer in
            for word in words { buffer.writeInteger(word) }
        }
    }
}

extension ChannelHandlerContext {
    /// The peer as "address:port", for the `net.peer` log metadata.
    var peerDescription: String {
        guard let address = remoteAddress else { return "unknown" }
        if let ip = address.ipAddress, let port = address.port { return "\(ip):\(port)" }
        return "\(address)"
    }
}
