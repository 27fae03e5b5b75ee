// SPDX-License-Identifier: Apache-2.0

import Logging
import NIOCore
import Synchronization
import VTPMManager

/// Serves the mssim platform port (P+1): maps each signal onto ``PlatformControl`` and answers u32 0, as
/// the reference simulator does. Like the reference, physical presence, cancel and NV signals only reach a
/// powered TPM.
final class MSSimPlatformHandler: ChannelInboundHandler {
    typealias InboundIn = MSSimPlatformRequest
    typealias OutboundOut = ByteBuffer

    /// Reply for a request that failed or that we do not support (the reference's "not recognized" value).
    static let failure: UInt32 = 1

    private let served: ServedInstance
    private var logger: Logger

    init(served: ServedInstance, logger: Logger) {
        self.served = served
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        logger[metadataKey: "net.peer"] = "\(context.peerDescription)"
        logger.debug("mssim platform connection opened")
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let request = unwrapInboundIn(data)
        logger.debug("mssim platform signal", metadata: ["signal": "\(request)"])
        switch request {
        case .powerOn: reply(perform(.powerOn), context)
        case .powerOff: reply(perform(.powerOff), context)
        case .reset: reply(perform(.reset), context)
        case .physicalPresence(let on):
            reply(performIfPowered(on ? .physicalPresenceOn : .physicalPresenceOff), context)
        case .cancel(let on): reply(performIfPowered(on ? .cancelOn : .cancelOff), context)
        case .nv(let on): reply(performIfPowered(on ? .nvOn : .nvOff), context)
        case .keyCache, .restart:
            // No RSA key cache, and Clock follows the host's monotonic clock, so there is nothing to restart.
            reply(0, context)
        case .getCommandResponseSizes:
            let record = served.sizeRecord.withLock { record in
                defer { record = MSSimSizeRecord() }
                return record.encoded
            }
            context.sendReply(capacity: 8 + record.count) { buffer in
                buffer.writeInteger(UInt32(record.count))
                buffer.writeBytes(record)
                buffer.writeInteger(UInt32(0))
            }
        case .actGetSignaled:
            // No Authenticated Countdown Timers: none is ever signaled.
            context.sendWords(0, 0)
        case .testFailureMode:
            // The reference arms a hook that fails the next TPM2_SelfTest; the engine has none, so we answer
            // failure instead of pretending, and keep the connection.
            reply(Self.failure, context)
        case .unknown:
            reply(Self.failure, context)
            context.close(promise: nil)
        case .sessionEnd, .stop:
            // TPM_STOP closes this connection only; it never stops the daemon.
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("mssim platform connection failed; closing", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    private func perform(_ control: PlatformControl) -> UInt32 {
        do throws(PlatformControlError) {
            try served.instance.perform(control)
            return 0
        } catch {
            logger.debug("platform signal refused", metadata: ["error": "\(error)"])
            return Self.failure
        }
    }

    private func performIfPowered(_ control: PlatformControl) -> UInt32 {
        served.instance.isPowered ? perform(control) : 0
    }

    private func reply(_ result: UInt32, _ context: ChannelHandlerContext) {
        context.sendWords(result)
    }
}
