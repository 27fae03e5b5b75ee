// SPDX-License-Identifier: Apache-2.0

import Logging
import NIOCore
import Synchronization
import TPMWire
import VTPMManager

/// Serves decoded messages of the mssim command port (P): runs TPM commands and answers the simulator's
/// side messages as the reference server does.
///
/// The TPM command runs synchronously, here on the channel's event loop. STYLE's advice is NIOAsyncChannel
/// with a task per connection; we deviate on this path because each hop between the event loop and Swift
/// concurrency costs a thread switch, which is as long as the whole loopback round trip we must match
/// (swtpm answers in about 17 µs). `VTPMInstance.execute` is synchronous and serializes commands per
/// instance with its own lock, so running it here is safe.
final class MSSimCommandHandler: ChannelInboundHandler {
    typealias InboundIn = MSSimCommandMessage
    typealias OutboundOut = ByteBuffer

    private let served: ServedInstance
    private var logger: Logger
    /// Whether anything was written since the last read completed (a reply also carries the ACK).
    private var repliedSinceLastRead = false

    init(served: ServedInstance, logger: Logger) {
        self.served = served
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        logger[metadataKey: "net.peer"] = "\(context.peerDescription)"
        logger.debug("mssim command connection opened")
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        logger.debug("mssim command connection closed")
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        repliedSinceLastRead = true
        switch message {
        case .sendCommand(let locality, let command):
            let response = served.execute(command, locality: locality, logger: logger) ?? []
            served.sizeRecord.withLock { record in
                record.note(command: command)
                record.note(response: response)
            }
            sendResponse(response, context: context)
        case .oversizedCommand(_, let length):
            logger.debug("command larger than the TPM accepts", metadata: ["length": "\(length)"])
            // What the engine answers for such a command, or nothing while off, as for any command.
            let response = served.instance.isPowered ? ResponseHeader.errorResponse(.commandSize) : []
            sendResponse(response, context: context)
        case .handshake(let version) where version != 0:
            context.sendWords(MSSimProtocol.serverVersion, MSSimProtocol.EndpointFlags.served, 0)
        case .setAlternativeResult:
            context.sendWords(0)
        case .hashStart, .hashData, .hashEnd:
            // TODO(DRTM stage): map onto PlatformControl hash start / data / end (_TPM_Hash_Start, _Data,
            // _End), which the manager does not offer yet. Until then the sequence is acknowledged and ignored.
            context.sendWords(0)
        case .handshake, .sessionEnd, .stop, .unknown:
            // TPM_STOP ends this connection only: the daemon serves other clients and instances, so a client
            // cannot stop it (the reference simulator exits its accept loop instead).
            logger.debug("mssim command connection ends", metadata: ["message": "\(message)"])
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if !repliedSinceLastRead { context.acknowledgeReceivedBytesNow() }
        repliedSinceLastRead = false
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("mssim command connection failed; closing", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    /// u32 length, the response, u32 0, in one write. An empty response means the TPM is off.
    private func sendResponse(_ response: [UInt8], context: ChannelHandlerContext) {
        context.sendReply(capacity: response.count + 8) { buffer in
            buffer.writeInteger(UInt32(response.count))
            buffer.writeBytes(response)
            buffer.writeInteger(UInt32(0))
        }
    }
}
