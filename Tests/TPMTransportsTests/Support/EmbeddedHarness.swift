// SPDX-License-Identifier: Apache-2.0

import Logging
import NIOCore
import NIOEmbedded
import VTPMManager

@testable import TPMTransports

/// One of the transports' NIO pipelines (the mssim platform port, the swtpm control port) on an
/// EmbeddedChannel, over an in-memory instance. The data ports' sessions have ``SessionHarness``.
struct EmbeddedHarness {
    let channel: EmbeddedChannel
    let served: ServedInstance
    var loop: EmbeddedEventLoop { channel.embeddedEventLoop }

    init(_ kind: ListenerKind, instance: VTPMInstance? = nil) throws {
        let instance = try instance ?? InstanceManager(stateDirectory: nil).open(InstanceID(0))
        served = ServedInstance(instance, logger: Logger(label: "test.embedded"))
        channel = EmbeddedChannel()
        try kind.configure(channel, served: served, logger: served.logger)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    }

    var instance: VTPMInstance { served.instance }

    /// Feeds `bytes` whole (`chunk` nil) or in pieces of `chunk` bytes. Input to a closed channel is dropped.
    func feed(_ bytes: [UInt8], chunk: Int? = nil) throws {
        let size = max(1, chunk ?? bytes.count)
        var offset = 0
        while offset < bytes.count, channel.isActive {
            let piece = Array(bytes[offset..<min(offset + size, bytes.count)])
            try channel.writeInbound(ByteBuffer(bytes: piece))
            offset += size
        }
    }

    /// The writes the pipeline made since the last call, one array per write.
    func writes() throws -> [[UInt8]] {
        var result: [[UInt8]] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            result.append(Array(buffer.readableBytesView))
        }
        return result
    }

    /// All bytes written since the last call.
    func output() throws -> [UInt8] { try writes().flatMap { $0 } }

    /// Sends one command and returns the reply, checking it came as exactly one write.
    func roundTrip(_ bytes: [UInt8], chunk: Int? = nil) throws -> [UInt8]? {
        try feed(bytes, chunk: chunk)
        let writes = try writes()
        guard writes.count == 1 else { return nil }
        return writes[0]
    }
}

/// The chunk sizes codec tests feed input in: whole, then one byte at a time, then an odd size.
let chunkSizes: [Int?] = [nil, 1, 5]
