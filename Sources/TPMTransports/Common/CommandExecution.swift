// SPDX-License-Identifier: Apache-2.0

import Logging
import TPMWire
import VTPMManager

extension ServedInstance {
    /// Runs one TPM command on the calling thread and, when `logged`, logs it (`debug`: code, response code,
    /// duration; `trace`: the headers). Nil while the instance is powered off or stopped.
    ///
    /// Synchronous on purpose: the sessions call this on their loop thread so that a command costs no thread
    /// switch (see the transports' architecture article). `logged` is the session's `logger.logLevel <=
    /// .debug`, read once per connection: reading a Logger's level costs an existential call and an
    /// exclusivity check, which the hot path does not pay per command.
    func execute(_ command: [UInt8], locality: UInt8?, logger: Logger, logged: Bool) -> [UInt8]? {
        guard logged else {
            return instance.execute(command, locality: locality)
        }
        return executeLogged(command, locality: locality, logger: logger)
    }

    /// Kept out of line: inlined, its clock and logging code would cost the unlogged path metadata look-ups.
    @inline(never)
    private func executeLogged(_ command: [UInt8], locality: UInt8?, logger: Logger) -> [UInt8]? {
        let start = ContinuousClock.now
        let response = instance.execute(command, locality: locality)
        let elapsed = ContinuousClock.now - start
        var metadata: Logger.Metadata = ["tpm.cc": "\(Self.commandCode(of: command))"]
        if let locality { metadata["tpm.locality"] = "\(locality)" }
        if let response {
            metadata["tpm.rc"] = "\(Self.responseCode(of: response))"
            metadata["duration.us"] = "\(elapsed.microseconds)"
            logger.debug("command", metadata: metadata)
            logger.trace(
                "headers",
                metadata: [
                    "command": "\(Self.hex(command.prefix(CommandHeader.size)))",
                    "response": "\(Self.hex(response.prefix(ResponseHeader.size)))",
                ])
        } else {
            logger.debug("command refused: instance not running", metadata: metadata)
        }
        return response
    }

    static func commandCode(of command: [UInt8]) -> String {
        guard command.count >= CommandHeader.size else { return "short" }
        return TPMCC(rawValue: bigEndianUInt32(command, at: 6)).description
    }

    static func responseCode(of response: [UInt8]) -> String {
        guard response.count >= ResponseHeader.size else { return "short" }
        return TPMRC(rawValue: bigEndianUInt32(response, at: 6)).description
    }

    private static func bigEndianUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    private static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

extension Duration {
    /// Whole microseconds, for log lines.
    var microseconds: Int64 {
        components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
