// SPDX-License-Identifier: Apache-2.0

import NIOCore

#if canImport(Glibc)
import Glibc
#endif

extension ChannelHandlerContext {
    /// Acknowledges the bytes received so far at once instead of after the delayed-ACK timer (Linux
    /// TCP_QUICKACK, which the kernel clears again by itself).
    ///
    /// Called when a read ends with an incomplete message, for the reason given on
    /// ``SessionStep/acknowledgeNow`` (the reactor's data ports do the same through ``Descriptor``).
    func acknowledgeReceivedBytesNow() {
        #if os(Linux)
        let quickAck = ChannelOptions.tcpOption(NIOBSDSocket.Option(rawValue: CInt(TCP_QUICKACK)))
        try? channel.syncOptions?.setOption(quickAck, value: 1)
        #endif
    }
}
