// SPDX-License-Identifier: Apache-2.0

import NIOCore

#if canImport(Glibc)
import Glibc
#endif

extension ChannelHandlerContext {
    /// Acknowledges the bytes received so far at once instead of after the delayed-ACK timer (Linux
    /// TCP_QUICKACK, which the kernel clears again by itself).
    ///
    /// Called when a read ends with an incomplete message. tpm2-tss's mssim TCTI sends the 9-byte prefix and
    /// the command in two writes without TCP_NODELAY: Nagle holds the command back until the prefix is
    /// acknowledged, and with a delayed ACK every command would wait about 40 ms. An ACK now releases it.
    func acknowledgeReceivedBytesNow() {
        #if os(Linux)
        let quickAck = ChannelOptions.tcpOption(NIOBSDSocket.Option(rawValue: CInt(TCP_QUICKACK)))
        try? channel.syncOptions?.setOption(quickAck, value: 1)
        #endif
    }
}
