// SPDX-License-Identifier: Apache-2.0

import Logging
import TPMWire
import VTPMManager

/// One connection of the swtpm data channel (Q): raw TPM commands in, raw responses out, one write each.
/// tpm2-tss opens a connection per command; swtpm_ioctl, QEMU and our client keep one open.
///
/// A complete command never waits: the grace timer is armed only for a partial one, and it restarts with
/// every read that leaves the command incomplete.
struct SwtpmDataSession: DataPortSession {
    /// How long a partial command waits for its remaining bytes.
    static let gracePeriod = Duration.milliseconds(100)
    /// Room for more than any command: a burst that fills it has lost its framing.
    static let inputCapacity = 8192
    /// swtpm's answer while its TPM is powered off or stopped (TPM_RC_FAILURE), built once.
    private static let notRunning = ResponseHeader.errorResponse(.failure)

    private let served: ServedInstance
    private let framer = SwtpmDataFramer()
    private let logger: Logger
    /// Whether commands are logged (the logger's level, read once).
    private let logsCommands: Bool

    init(served: ServedInstance, logger: Logger) {
        self.served = served
        self.logger = logger
        self.logsCommands = logger.logLevel <= .debug
    }

    func opened() { logger.trace("swtpm data connection opened") }

    func closed() {}

    mutating func consume<Output: SessionOutput>(_ input: inout InputBuffer, output: inout Output) -> SessionStep {
        switch framer.decode(buffer: &input) {
        case .frame(let frame):
            run(frame, output: &output)
            return SessionStep(timer: .cancel)
        case .needMoreData:
            return SessionStep(timer: .arm(Self.gracePeriod), acknowledgeNow: true)
        case .overflow:
            logger.debug(
                "swtpm data framing lost: more buffered than any command; closing",
                metadata: ["bytes": "\(input.readableBytes)"])
            let prefixed = input.getInteger(at: input.readerIndex, as: UInt32.self) == SwtpmDataFramer.prefixCode
            send(ResponseHeader.errorResponse(.commandSize), prefixed: prefixed, output: &output)
            return SessionStep(timer: .cancel, close: true)
        }
    }

    mutating func timerExpired<Output: SessionOutput>(
        _ input: inout InputBuffer, output: inout Output
    )
        -> SessionStep
    {
        if let frame = framer.decodeAfterGrace(buffer: &input) {
            logger.debug("partial command after grace period", metadata: ["bytes": "\(frame.command.count)"])
            run(frame, output: &output)
        }
        return .none
    }

    private func run<Output: SessionOutput>(_ frame: SwtpmDataFrame, output: inout Output) {
        if let locality = frame.prefixLocality, locality <= 4 {
            // swtpm makes a prefix's locality the locality of later raw commands too.
            try? served.instance.perform(.setLocality(locality))
        }
        let response =
            served.execute(
                frame.command, locality: frame.prefixLocality, logger: logger,
                logged: logsCommands) ?? Self.notRunning
        send(response, prefixed: frame.prefixLocality != nil, output: &output)
    }

    private func send<Output: SessionOutput>(_ response: [UInt8], prefixed: Bool, output: inout Output) {
        if prefixed {
            output.sendFramed(response)
        } else {
            output.send(response)
        }
    }
}
