// SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The guest's TPM device, like `/dev/tpm0`: a unix stream socket at a path where a client writes one whole TPM
/// command and reads the whole response, again and again (tpm2-tss's `cmd:` TCTI through
/// `socat - UNIX-CONNECT:PATH`).
///
/// Checked mode frames each command by its header's size, as a kernel driver takes one command per write; a
/// header whose size cannot be a command is answered by the frontend itself and the connection is closed (its
/// framing is lost). Unchecked mode (`--unchecked`) puts each chunk read into the ring as one packet without
/// looking at it: a guest kernel that does not check, so that the backend's own check can be shown to work.
public final class TPMDeviceServer: Sendable {
    public let path: String
    public let unchecked: Bool
    private let frontend: TPMFrontend
    private let logger: Logger
    private let server = Mutex<ConnectionThreads?>(nil)

    public init(path: String, frontend: TPMFrontend, unchecked: Bool = false, logger: Logger) {
        self.path = path
        self.frontend = frontend
        self.unchecked = unchecked
        self.logger = logger
    }

    /// Binds the socket (mode 0666: any local user of the guest may use its TPM, as with /dev/tpmrm0's group).
    public func start() throws(XenError) {
        let threads = try ConnectionThreads(path: path, kind: .stream, mode: 0o666)
        server.withLock { $0 = threads }
        threads.start { [self] client in serve(client) }
    }

    public func stop() {
        server.withLock { $0 }?.stop()
    }

    private func serve(_ client: UnixSocket) {
        var pending: [UInt8] = []
        do throws(XenError) {
            while let command = try nextCommand(client, &pending) {
                let response: [UInt8]
                do throws(XenError) {
                    response = try frontend.transmit(command)
                } catch {
                    logger.warning("TPM command failed: \(error)")
                    response = Self.failure(for: command)
                }
                try client.send(response)
            }
        } catch {
            logger.debug("device client closed: \(error)")
        }
    }

    /// The next command from `client`; nil when it closed the connection or lost framing (after an answer).
    /// `pending` keeps bytes read past a command, so a command usually costs one receive.
    private func nextCommand(_ client: UnixSocket, _ pending: inout [UInt8]) throws(XenError) -> [UInt8]? {
        if unchecked {
            let chunk = try client.receive(capacity: TPMIFRing.capacity).bytes
            return chunk.isEmpty ? nil : chunk
        }
        while true {
            if pending.count >= 6 {
                let size = pending[2..<6].reduce(0) { $0 << 8 | Int($1) }
                guard size >= RequestCheck.minimumSize, size <= TPMIFRing.capacity else {
                    try client.send(RequestCheck.refusal(for: Array(pending.prefix(6))))
                    return nil
                }
                if pending.count >= size {
                    let command = Array(pending.prefix(size))
                    pending.removeFirst(size)
                    return command
                }
            }
            let chunk = try client.receive(capacity: TPMIFRing.capacity).bytes
            if chunk.isEmpty { return nil }
            pending += chunk
        }
    }

    /// TPM_RC_FAILURE (or TPM 1.2's TPM_FAIL) when the device has no backend to carry a command.
    static func failure(for command: [UInt8]) -> [UInt8] {
        var response = RequestCheck.refusal(for: command)
        if response == RequestCheck.tpm2Refusal { response[8] = 0x01; response[9] = 0x01 }
        return response
    }
}
