// SPDX-License-Identifier: Apache-2.0

import Logging
import NIOCore

/// Serves one connection of the swtpm control channel (Q+1). Several requests may follow each other
/// (swtpm_ioctl), or just one (tpm2-tss opens a connection per request); each gets one reply in one write.
///
/// Like swtpm, a message must be complete within 500 ms of its first byte; otherwise the connection is
/// closed without a reply (swtpm's receive loop gives up the same way). Runs on the event loop, without
/// Swift concurrency, for the reason given on ``MSSimCommandSession``.
final class SwtpmControlHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let receiveWindow = TimeAmount.milliseconds(500)

    private let responder: SwtpmControlResponder
    private let framer = SwtpmControlFramer()
    private var logger: Logger
    private var pending: ByteBuffer?
    private var deadline: Scheduled<Void>?
    private var closing = false

    init(served: ServedInstance, logger: Logger) {
        self.responder = SwtpmControlResponder(served: served)
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        logger[metadataKey: "net.peer"] = "\(context.peerDescription)"
        logger.trace("swtpm control connection opened")
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        var incoming = unwrapInboundIn(data)
        if pending == nil {
            pending = incoming
        } else {
            pending?.writeBuffer(&incoming)
        }
        while !closing, var buffer = pending, buffer.readableBytes > 0 {
            pending = nil
            let decision = framer.decode(buffer: &buffer)
            pending = buffer
            guard case .message(let code, let body) = decision else { break }
            deadline?.cancel()
            deadline = nil
            answer(code, body: body, context: context)
        }
        if let buffer = pending, buffer.readableBytes > 0, !closing {
            if deadline == nil { armDeadline(context: context) }
            context.acknowledgeReceivedBytesNow()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("swtpm control connection failed; closing", metadata: ["error": "\(error)"])
        close(context: context)
    }

    private func answer(_ code: SwtpmControlCode, body: [UInt8], context: ChannelHandlerContext) {
        let (response, closes) = responder.respond(to: code, body: body[...])
        let reply = response.encoded
        logger.debug("swtpm control", metadata: ["command": "\(code)", "response": "\(response)"])
        context.sendReply(capacity: reply.count) { $0.writeBytes(reply) }
        if closes { close(context: context) }
    }

    private func armDeadline(context: ChannelHandlerContext) {
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: Self.receiveWindow) { [self] in
            self.deadline = nil
            logger.debug("swtpm control message incomplete after 500 ms; closing")
            close(context: context)
        }
    }

    private func close(context: ChannelHandlerContext) {
        guard !closing else { return }
        closing = true
        pending = nil
        context.close(promise: nil)
    }
}
