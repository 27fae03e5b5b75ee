// SPDX-License-Identifier: Apache-2.0

import Logging
import NIOCore
import TPMWire
import VTPMManager

/// Serves one connection of the swtpm data channel (Q): raw TPM commands in, raw responses out, one write
/// each. tpm2-tss opens a connection per command; swtpm_ioctl, QEMU and our client keep one open.
///
/// The command runs synchronously on the event loop; see ``MSSimCommandHandler`` for why this path avoids
/// Swift concurrency. A complete command never waits: the grace timer is armed only for a partial one.
final class SwtpmDataHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// How long a partial command waits for its remaining bytes.
    static let gracePeriod = TimeAmount.milliseconds(100)

    private let served: ServedInstance
    private let framer = SwtpmDataFramer()
    private var logger: Logger
    private var pending: ByteBuffer?
    private var graceTimer: Scheduled<Void>?
    private var closing = false

    init(served: ServedInstance, logger: Logger) {
        self.served = served
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        logger[metadataKey: "net.peer"] = "\(context.peerDescription)"
        logger.trace("swtpm data connection opened")
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelGraceTimer()
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
        guard var buffer = pending else { return }
        pending = nil
        let decision = framer.decode(buffer: &buffer)
        switch decision {
        case .frame(let frame):
            cancelGraceTimer()
            run(frame, context: context)
        case .needMoreData:
            pending = buffer
            armGraceTimer(context: context)
            context.acknowledgeReceivedBytesNow()
        case .overflow:
            cancelGraceTimer()
            logger.debug("swtpm data framing lost: more buffered than any command; closing",
                         metadata: ["bytes": "\(buffer.readableBytes)"])
            let prefixed = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) == SwtpmDataFramer.prefixCode
            send(ResponseHeader.errorResponse(.commandSize), prefixed: prefixed, context: context)
            closing = true
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("swtpm data connection failed; closing", metadata: ["error": "\(error)"])
        closing = true
        context.close(promise: nil)
    }

    private func run(_ frame: SwtpmDataFrame, context: ChannelHandlerContext) {
        let instance = served.instance
        if let locality = frame.prefixLocality, locality <= 4 {
            // swtpm makes a prefix's locality the locality of later raw commands too.
            try? instance.perform(.setLocality(locality))
        }
        // Powered off or stopped: swtpm's answer while its TPM is not running.
        let response = served.execute(frame.command, locality: frame.prefixLocality, logger: logger)
            ?? ResponseHeader.errorResponse(.failure)
        send(response, prefixed: frame.prefixLocality != nil, context: context)
    }

    private func send(_ response: [UInt8], prefixed: Bool, context: ChannelHandlerContext) {
        guard prefixed else {
            context.sendReply(capacity: response.count) { $0.writeBytes(response) }
            return
        }
        context.sendReply(capacity: response.count + 8) { buffer in
            buffer.writeInteger(UInt32(response.count))
            buffer.writeBytes(response)
            buffer.writeInteger(UInt32(0))
        }
    }

    /// (Re)starts the grace period: it runs from the last bytes received.
    private func armGraceTimer(context: ChannelHandlerContext) {
        cancelGraceTimer()
        graceTimer = context.eventLoop.assumeIsolated().scheduleTask(in: Self.gracePeriod) { [self] in
            graceTimer = nil
            guard !closing, var buffer = pending else { return }
            pending = nil
            if let frame = framer.decodeAfterGrace(buffer: &buffer) {
                logger.debug("partial command after grace period", metadata: ["bytes": "\(frame.command.count)"])
                run(frame, context: context)
            }
        }
    }

    private func cancelGraceTimer() {
        graceTimer?.cancel()
        graceTimer = nil
    }
}
